from __future__ import annotations

import pytest

from flows.deadlines import build_engine


@pytest.fixture(scope="session")
def engine():
    """The shipped zhejiang profile with the shipped (empty) override file."""
    return build_engine()
