"""信访工作台: the web console for clerks, leaders and the administrator.

Starlette with server-rendered Jinja2 pages and vendored htmx/ECharts (no CDN). ``app.create_app``
builds the ASGI app; each page module lists its routes in ``ROUTES`` and is named once in
``app.PAGE_MODULES``. Every call into a flow goes through ``actions`` (the wiring's
``run_<flow>(app, **options)``), the same functions the CLI and the scheduler call.
"""
