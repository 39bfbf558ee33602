"""Shared fixtures. Each block is owned by one part of the project; add yours below in its own block."""

from __future__ import annotations

# ---- upstream simulator (owner: sim/robot; petitionbot/sim, bots/district) -------------------------
import pytest

from petitionbot.sim import SimHandle, start_simulator
from petitionbot.sim.generate import generate

SIM_SEED = 11


@pytest.fixture(scope="session")
def sim_dataset() -> dict:
    """90 generated petitions (4 of them another unit's), 10 % hostile values; never mutate it."""
    return generate(90, SIM_SEED, hostile_share=0.1, other_unit_count=4)


@pytest.fixture(scope="session")
def sim_password(sim_dataset) -> str:
    return sim_dataset["units"][0]["users"][0]["password"]


@pytest.fixture(scope="session")
def sim_server(sim_dataset):
    handle = start_simulator(sim_dataset, port=0)
    yield handle
    handle.stop()


@pytest.fixture
def sim(sim_server, sim_dataset) -> SimHandle:
    """The session's simulator, reset to ``sim_dataset`` with default knobs for this test."""
    sim_server.reset(sim_dataset)
    return sim_server


# ---- end of the upstream simulator block --------------------------------------------------------------
