"""The robot kit: what every upstream site's robot needs, whatever the site.

- ``browser``: find and launch Chromium, one event loop in a thread, error mapping, evidence;
- ``options``: ``RobotOptions``, the retry policy (backoff, Retry-After), the saved session file;
- ``http``: what HTTP answers mean (``check_response``: lost session, throttled, server error);
- ``session``: ``SessionRobot``, the lifecycle, login/re-login, URL learning, one detail's error split;
- ``readers``: label-driven readers of tables and labelled values (the site passes its words);
- ``download``: attachments through the request API, file names, the size cap;
- ``stream``: coroutines on the browser's loop → a plain iterator in the caller's thread.

A site's folder (``bots/<site>/``) holds only its pages, its labels and its ``Site`` vocabulary.
"""
