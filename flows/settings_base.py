"""The base of every config section. It lives in flows/ so a feature's settings never import
the shell (petitionbot/), which composes them all: the arrows point one way, no cycle."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """Unknown keys are errors (a misspelt key must not be silently ignored); defaults are validated."""

    model_config = ConfigDict(extra="forbid", validate_default=True)
