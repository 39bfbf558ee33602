"""Shared fixtures. Each block is owned by one part of the project; add yours below in its own block."""

from __future__ import annotations

# ---- upstream simulator (petitionbot/sim, bots/district) ---------------------------------------------
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


# ---- .docx element order (tests/docx_order.py) -------------------------------------------------------
# Every .docx any test wrote under pytest's temporary folder is checked against the WordprocessingML
# element order when the session ends; a violation fails the whole run, naming the file and element.


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    import zipfile

    from tests.docx_order import violations

    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    checked, bad = 0, []
    for path in sorted(factory.getbasetemp().rglob("*.docx")):
        if not zipfile.is_zipfile(path):
            continue  # a clerk's stand-in bytes in the file-version tests: not a document anyone wrote
        checked += 1
        found = violations(path)
        if found:
            bad.append((path, found))
    session.config.stash[_DOCX_ORDER] = (checked, bad)
    if bad:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    checked, bad = config.stash.get(_DOCX_ORDER, (0, []))
    if not bad:
        terminalreporter.write_line(f".docx element order: {checked} files checked, all in schema order")
        return
    terminalreporter.write_sep("=", f".docx element order: {len(bad)} of {checked} files break it", red=True)
    for path, found in bad:
        terminalreporter.write_line(f"{path}:", red=True)
        for line in found[:10]:
            terminalreporter.write_line(f"    {line}")


_DOCX_ORDER = pytest.StashKey[tuple]()
# ---- end of the .docx element order block ------------------------------------------------------------
