"""Everything that touches a browser: one folder per upstream site, plus what every site needs.

The robot port and its records live in :mod:`core.ports`; adapters here map every Playwright
failure into :mod:`core.errors`.
"""
