"""A clerk answers a 疑似重件 in the real ledger book; the answer is kept and decides every later run.

The pair is from the blind corpus: 方志明 (华丰社区) wrote about a base station on his roof, then
called again from a new phone without his ID, so only his name and community link the two: a
suspected repeat the bot must not decide alone."""

from __future__ import annotations

from datetime import date

import pytest

from flows.analysis.settings import AnalysisSettings
from petitionbot import config, wiring
from petitionbot.app import App
from tests.data.analysis.corpus import load, to_petition
from tests.ledger.helpers import open_book, rows_by_ref, set_cell

FIRST, AGAIN = "YH2026-0025", "YH2026-0094"


@pytest.fixture
def app(tmp_path):
    # The pair is linked by name + village only (a weak key); keep it a 疑似重件 whatever the model
    # says (no probability reaches 1), so that the clerk's answer is what decides.
    a = App(config.Settings(storage=config.StorageSettings(workdir=tmp_path),
                            analysis=AnalysisSettings(repeat_probability=1.0)), as_of=date(2026, 11, 20))
    petitions, _ = load()
    for d in petitions:
        if d["ref"] in (FIRST, AGAIN):
            a.store.insert(to_petition(d), run_id=None, source="upstream")
    return a


def answer(app: App, value: str) -> None:
    book = next((app.workdir / "ledger").glob("信访台账*.xlsx"))
    wb = open_book(book)
    set_cell(wb["台账"], AGAIN, "重件确认", value)
    wb.save(book)
    wiring.run_ledger(app)  # the clerk's cell reaches the store


def row(app: App) -> dict:
    r = app.store.analysis_row(AGAIN)
    assert r is not None
    return r


@pytest.mark.parametrize(("value", "tier"), [("不是重件", ""), ("是重件", "重件")])
def test_answer_is_kept_and_decides_later_runs(app, value, tier):
    _, result = wiring.run_analysis(app)
    assert result.suspected == 1 and row(app)["repeat_tier"] == "疑似重件"
    assert row(app)["repeat_matched"] == FIRST and "重件确认" in row(app)["repeat_why"]
    wiring.run_ledger(app)
    book = next((app.workdir / "ledger").glob("信访台账*.xlsx"))
    shown = rows_by_ref(book)[AGAIN]
    assert shown["初件/重件"] == "疑似重件" and shown["首件编号"] == FIRST and "基站" in shown["分析说明"]

    answer(app, value)
    _, result = wiring.run_analysis(app)
    assert result.decisions == 1
    assert row(app)["repeat_tier"] == tier
    if tier:
        assert row(app)["is_repeat"] == 1 and "信访员已确认" in row(app)["repeat_why"]
    wiring.run_ledger(app)
    assert rows_by_ref(book)[AGAIN]["初件/重件"] == (tier or "初件")

    # The clerk clears the cell later: the kept answer still decides, and is not recorded twice.
    answer(app, "")
    _, result = wiring.run_analysis(app)
    assert result.decisions == 0 and row(app)["repeat_tier"] == tier
    assert app.store.repeat_decisions() == {frozenset((AGAIN, FIRST)): "reject" if not tier else "confirm"}
