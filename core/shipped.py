"""What ships with petitionbot besides code, found the same way from a checkout or an installed
wheel: the top-level ``templates/`` (letters, message texts, taxonomy and lexicon, deadline
profiles, calendar overrides, the legal-basis table) and ``schedules/``.

Both folders are packages with their files as package data (pyproject.toml), located through
``importlib.resources``: never relative to a module's own file, which breaks once installed.
Config values such as ``templates/calendar/overrides.toml`` name an office's own copy when one
exists (beside the config file or in the current directory), else the shipped file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGES = ("templates", "schedules")


def shipped(relative: str | Path) -> Path:
    """``templates/letters`` or ``schedules/default.toml`` as installed."""
    head, *rest = Path(relative).parts
    if head not in PACKAGES:
        raise ValueError(f"not shipped with petitionbot: {relative}")
    root = resources.files(head)
    if not isinstance(root, Path):  # a zipped install: the files have no path to hand to docxtpl or jinja2
        raise RuntimeError(f"petitionbot must be installed unzipped: {head} is not a folder ({root!r})")
    return root.joinpath(*rest)


def locate(path: str | Path, *bases: Path) -> Path:
    """A configured file or folder: absolute as given; relative, the first that exists under
    ``bases`` then the current directory, else the shipped one (else the first candidate, so
    that the error names the place an office would put it)."""
    p = Path(path)
    if p.is_absolute():
        return p
    candidates = [base / p for base in bases] + [p]
    found = next((c for c in candidates if c.exists()), None)
    if found is not None:
        # Absolute: callers cache what they load from it, and the working directory may change later.
        return found.resolve()
    if p.parts and p.parts[0] in PACKAGES:
        return shipped(p)
    return candidates[0]
