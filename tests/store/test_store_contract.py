"""One contract every store adapter passes: the Store port's domain methods, their atomicity and
fencing. A second adapter (PostgreSQL) is one more entry in ``ADAPTERS``; nothing below may know
which adapter it is talking to."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import LockLost, StoreError
from core.ports import LedgerRow, Message, Store
from flows.store import open_store
from tests.factories import make_petition

AT = datetime(2026, 11, 27, 2, 0)  # the caller's clock: the store never reads the wall clock for findings

T0 = datetime(2026, 11, 27, 9, 0, 0)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'petitionbot.db'}"


# name -> (tmp_path) -> a URL open_store accepts; two stores opened on one URL share the data.
ADAPTERS: dict[str, Callable[[Path], str]] = {"sqlite": sqlite_url}


@pytest.fixture(params=sorted(ADAPTERS))
def url(request, tmp_path) -> str:
    return ADAPTERS[request.param](tmp_path)


@pytest.fixture
def store(url) -> Iterator[Store]:
    s = open_store(url)
    yield s
    s.close()


def message(n: int = 1, channel: str = "email") -> Message:
    return Message(channel=channel, to=[f"unit{n}@example.gov.cn"], subject=f"【信访催办】单位{n}",
                   body="超期 1 件", cc=["boss@example.gov.cn"], attachments=["督办单.docx"], mentions=["13900000000"],
                   key=f"k{n}")


# -- petitions ----------------------------------------------------------------------------------
def test_petitions_insert_get_save_history(store):
    a, b = make_petition("YH2026110002"), make_petition("YH2026110001", assigned_on=date(2026, 11, 5))
    store.insert(a, run_id="r1", source="upstream")
    store.insert(b, run_id="r1", source="ledger")
    assert store.refs() == {"YH2026110001", "YH2026110002"}
    assert store.get("YH2026110002") == a and store.get("nope") is None
    assert store.get("YH2026110001").source == "ledger"
    assert [p.ref for p in store.petitions()] == ["YH2026110002", "YH2026110001"]  # by assigned_on, then ref
    with pytest.raises(StoreError, match="重复"):
        store.insert(make_petition("YH2026110002"), run_id=None, source="upstream")

    a.content, a.upstream_state = "补充材料。", "withdrawn"
    store.save(a, changes=[("content", "旧", "补充材料。")], source="upstream", run_id="r2")
    assert store.get("YH2026110002").content == "补充材料。"
    assert [p.ref for p in store.petitions(include_withdrawn=False)] == ["YH2026110001"]
    hist = store.history("YH2026110002")
    assert [(h["field"], h["old"], h["new"], h["run_id"]) for h in hist] == [
        ("created", None, None, "r1"), ("content", "旧", "补充材料。", "r2")]
    with pytest.raises(StoreError):
        store.save(make_petition("NOT-THERE"), changes=[], source="upstream", run_id=None)


def test_quarantine_one_open_entry_per_ref_closed_by_insert(store):
    store.quarantine("YH1", "缺少受理日期", {"ref": "YH1"}, run_id="r1")
    store.quarantine("YH1", "日期无法识别", {"ref": "YH1"}, run_id="r2")
    store.quarantine("YH2", "缺少标题", {"ref": "YH2"}, run_id="r2")
    assert [(q["ref"], q["reason"]) for q in store.quarantined()] == [("YH1", "日期无法识别"), ("YH2", "缺少标题")]
    store.insert(make_petition("YH1"), run_id="r3", source="upstream")
    store.resolve_quarantine("YH2")
    assert store.quarantined() == []
    assert len(store.quarantined(open_only=False)) == 2


def test_local_refs_count_per_year(store):
    assert [store.next_local_ref(2026) for _ in range(2)] == ["BD202600001", "BD202600002"]
    assert store.next_local_ref(2027) == "BD202700001"


# -- runs and fencing ---------------------------------------------------------------------------
def test_runs_recorded_listed_and_found_by_prefix(store):
    store.record_run("20261127-090000-intake-ab12", flow="intake", trigger="clerk", started="2026-11-27T09:00:00",
                     status="running", pid=123, host="desk")
    store.record_run("20261127-100000-ledger-cd34", flow="ledger", trigger="schedule", started="2026-11-27T10:00:00",
                     status="running")
    store.record_run("20261127-090000-intake-ab12", status="ok", ended="2026-11-27T09:01:00",
                     summary={"counts": {"new": 3}, "message": "完成"})
    assert [r["id"] for r in store.running()] == ["20261127-100000-ledger-cd34"]
    latest = store.runs(limit=5)
    assert [r["id"] for r in latest] == ["20261127-100000-ledger-cd34", "20261127-090000-intake-ab12"]
    assert latest[1]["summary"] == {"counts": {"new": 3}, "message": "完成"} and latest[0]["summary"] is None
    found = store.runs_starting("20261127-09")
    assert [(r["id"], r["status"], r["pid"]) for r in found] == [("20261127-090000-intake-ab12", "ok", 123)]
    assert found[0]["summary"]["counts"] == {"new": 3}
    assert len(store.runs_starting("20261127")) == 2 and store.runs_starting("%") == store.runs_starting("")
    assert store.runs_starting("2025") == []


def _writes(store: Store) -> dict[str, Callable[[], object]]:
    """One write of every feature, each fenced."""
    return {
        "insert": lambda: store.insert(make_petition("F1"), run_id=None, source="upstream"),
        "quarantine": lambda: store.quarantine("F2", "x", {}, run_id=None),
        "local ref": lambda: store.next_local_ref(2026),
        "ledger rows": lambda: store.save_ledger_rows([LedgerRow("台账", "F1", {}, 1)], []),
        "walk-in": lambda: store.remember_walkin("fp", "BD202600001", "台账", "2026-11-27T09:00:00"),
        "letter": lambda: store.record_letter(scope="F1", ref="F1", kind="交办单", version=1, path="l/a.docx",
                                              sha256="s", data_hash="d", at=T0, run_id=None),
        "letter file": lambda: store.record_letter_file("l/a.docx", "s", at=T0, run_id=None),
        "outbox": lambda: store.enqueue([("k9", "digest", "单位", message(9), [])], day=T0.date(), at=T0, run_id=None),
        "analysis": lambda: store.replace_analysis([{"ref": "F1"}], [], None, at=AT),
        "decisions": lambda: store.record_repeat_decisions([("F1", "F2", "confirm")], at=AT),
        "features": lambda: store.save_word_features([("F1", "d", "{}")]),
    }


def test_an_overtaken_generation_writes_nothing(url):
    first, second = open_store(url), open_store(url)
    try:
        old = first.begin_generation("token-a")
        assert second.begin_generation("token-b") == old + 1
        for name, write in _writes(first).items():  # every feature's write, not only the petitions'
            with pytest.raises(LockLost):
                write()
                pytest.fail(f"{name}: written by an overtaken generation")
        with pytest.raises(LockLost):
            first.check_generation()
        first.record_run("r-old", flow="intake", trigger="clerk", started="2026-11-27T09:00:00", status="failed")
        # Nothing of the refused writes is there; the newest holder writes as usual.
        assert second.refs() == set() and second.quarantined() == [] and second.ledger_rows() == []
        assert second.outbox() == [] and second.analysis_rows() == {} and second.repeat_decisions() == {}
        assert second.walkin_ref("fp") is None and second.letters_of("F1") == [] and second.word_features() == {}
        assert second.next_local_ref(2026) == "BD202600001"
        for write in _writes(second).values():
            write()
        assert [r["status"] for r in second.runs() if r["id"] == "r-old"] == ["failed"]  # never fenced
    finally:
        first.close()
        second.close()


def test_transaction_groups_domain_calls_atomically(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.insert(make_petition("G1"), run_id=None, source="upstream")
        store.save_ledger_rows([LedgerRow("台账", "G1", {"办理状态": "待办理"}, 7)], [])
        store.enqueue([("k1", "digest", "单位", message(1), [("G1", "受理告知", "临期")])],
                      day=T0.date(), at=T0, run_id=None)
        raise RuntimeError("boom")
    assert store.refs() == set() and store.ledger_rows() == [] and store.outbox() == []
    with store.transaction():
        store.insert(make_petition("G1"), run_id=None, source="upstream")
        store.save_ledger_rows([LedgerRow("台账", "G1", {}, 7)], [])
    assert store.refs() == {"G1"} and len(store.ledger_rows()) == 1


# -- the ledger's memory ------------------------------------------------------------------------
def test_ledger_rows_saved_dropped_and_refiled(store):
    store.save_ledger_rows([LedgerRow("台账2026", "YH1", {"办理状态": "已办结"}, 11),
                            LedgerRow("台账2026", "xf(2026)7", {}, 12),
                            LedgerRow("台账2025", "YH3", {}, 13)], [])
    store.save_ledger_rows([LedgerRow("台账2026", "YH1", {"办理状态": "待办理"}, 21)], [("台账2025", "YH3")])
    assert sorted(store.ledger_rows()) == [LedgerRow("台账2026", "YH1", {"办理状态": "待办理"}, 21),
                                           LedgerRow("台账2026", "xf(2026)7", {}, 12)]
    # Refiled under its key; a key already filed in that book keeps its own row.
    store.save_ledger_rows([LedgerRow("台账2026", "YH4", {"x": "new"}, 40), LedgerRow("台账2026", "yh4", {}, 41)], [])
    store.refile_ledger_rows([("台账2026", "xf(2026)7", "XF(2026)7"), ("台账2026", "yh4", "YH4")])
    assert sorted(store.ledger_rows()) == [LedgerRow("台账2026", "XF(2026)7", {}, 12),
                                           LedgerRow("台账2026", "YH1", {"办理状态": "待办理"}, 21),
                                           LedgerRow("台账2026", "YH4", {"x": "new"}, 40)]


def test_walkins_remembered_by_fingerprint(store):
    assert store.walkin_ref("fp1") is None
    store.remember_walkin("fp1", "BD202600001", "台账2026", "2026-11-27T09:00:00")
    store.remember_walkin("fp1", "BD202600002", "台账2026", "2026-11-28T09:00:00")
    assert store.walkin_ref("fp1") == "BD202600002"


# -- letters --------------------------------------------------------------------------------------
def test_letter_versions_and_files(store):
    assert store.letter_versions("YH1", "交办单") == [] and not store.letter_file_known("letters/a.docx", "h1")
    store.record_letter_file("letters/a.docx", "h1", at=T0, run_id="r1")
    store.record_letter_file("letters/a.docx", "h1", at=T0, run_id="r2")  # the same bytes again: kept once
    assert store.letter_file_known("letters/a.docx", "h1") and not store.letter_file_known("letters/a.docx", "h2")
    store.record_letter(scope="YH1", ref="YH1", kind="交办单", version=1, path="letters/a.docx", sha256="h1",
                        data_hash="d1", at=T0, run_id="r1")
    store.record_letter(scope="YH1", ref="YH1", kind="交办单", version=2, path="letters/a.v2.docx", sha256="h3",
                        data_hash="d2", at=T0, run_id="r2")
    store.record_letter(scope="unit:永福村:2026-11-27", ref=None, kind="督办单", version=1, path="letters/u.docx",
                        sha256="h4", data_hash="d4", at=T0, run_id="r2")
    assert store.letter_versions("YH1", "交办单") == [
        {"version": 1, "path": "letters/a.docx", "sha256": "h1", "data_hash": "d1"},
        {"version": 2, "path": "letters/a.v2.docx", "sha256": "h3", "data_hash": "d2"}]
    assert store.letter_file_known("letters/a.v2.docx", "h3")  # a recorded letter is the bot's too
    assert store.letters_of("YH1") == [{"kind": "交办单", "path": "letters/a.docx", "version": 1},
                                       {"kind": "交办单", "path": "letters/a.v2.docx", "version": 2}]


# -- the outbox ---------------------------------------------------------------------------------
def test_outbox_queue_log_and_marks(store):
    day = T0.date()
    batch = [("k1", "digest", "永福村", message(1), [("YH1", "受理告知", "临期"), ("YH2", "办理答复", "超期")]),
             ("k2", "list", "督办人", message(2, "dingtalk"), [])]
    assert store.enqueue(batch, day=day, at=T0, run_id="r1") == 2
    assert store.enqueue(batch, day=day, at=T0, run_id="r2") == 0  # a key is queued once
    assert store.reminders_logged(day) == {("YH1", "受理告知", "临期"), ("YH2", "办理答复", "超期")}
    assert store.reminders_logged(day + timedelta(days=1)) == set()
    q1, q2 = store.outbox()
    assert (q1.key, q1.kind, q1.unit, q1.attempts, q1.last_error, q1.send_day) == ("k1", "digest", "永福村", 0, None,
                                                                                  "2026-11-27")
    assert q1.message == message(1) and q2.message == message(2, "dingtalk")
    assert [q.key for q in store.outbox(due_by=T0)] == ["k1", "k2"]

    store.mark_failed(q1.id, attempts=1, error="连接被拒绝", retry_at=T0 + timedelta(minutes=10), generation=None)
    store.mark_sent(q2.id, at=T0, generation=None)
    assert [q.key for q in store.outbox(due_by=T0 + timedelta(minutes=9))] == []
    (again,) = store.outbox(due_by=T0 + timedelta(minutes=10))
    assert (again.key, again.attempts, again.last_error) == ("k1", 1, "连接被拒绝")
    assert [q.key for q in store.outbox()] == ["k1"]


# -- analysis -----------------------------------------------------------------------------------
def _alert(aid: str, day: str) -> dict:
    return {"id": aid, "kind": "group", "day": day, "refs": ["YH1", "YH2"], "localities": ["永福村"],
            "explanation": "同一村社 3 天内 2 件", "pairs": [["YH1", "YH2"]]}


def test_analysis_findings_replaced_whole_alerts_keep_first_seen(store):
    store.replace_analysis([{"ref": "YH1", "category_suggested": "城乡建设", "category_confidence": 0.9,
                             "is_repeat": 1, "repeat_of": "YH0", "alert_ids": ["a1"]}, {"ref": "YH2"}],
                           [_alert("a1", "2026-11-20"), _alert("a2", "2026-11-25")], "r1", at=AT)
    row = store.analysis_row("YH1")
    assert (row["category_suggested"], row["category_confidence"], row["is_repeat"], row["repeat_of"],
            row["alert_ids"], row["run_id"]) == ("城乡建设", 0.9, 1, "YH0", ["a1"], "r1")
    assert store.analysis_row("YH2")["is_repeat"] == 0 and store.analysis_row("YH2")["alert_ids"] == []
    assert [a["id"] for a in store.analysis_alerts()] == ["a2", "a1"]  # newest day first
    assert store.analysis_alerts()[0]["localities"] == ["永福村"]
    first = {a["id"]: a["first_seen"] for a in store.analysis_alerts()}
    assert first["a1"] == AT.isoformat(timespec="seconds") and row["updated_at"] == first["a1"]  # stamped with the caller's time

    store.replace_analysis([{"ref": "YH2", "supervise": 1}], [_alert("a1", "2026-11-20")], "r2", at=AT + timedelta(days=1))
    assert set(store.analysis_rows()) == {"YH2"} and store.analysis_row("YH1") is None
    assert store.analysis_rows()["YH2"]["supervise"] == 1
    (a1,) = store.analysis_alerts()
    assert a1["first_seen"] == first["a1"]


def test_repeat_decisions_and_word_features(store):
    store.record_repeat_decisions([("YH1", "YH2", "confirm"), ("YH3", "YH4", "reject")], at=AT)
    store.record_repeat_decisions([("YH1", "YH2", "reject")], at=AT)
    store.record_repeat_decisions([], at=AT)
    assert store.repeat_decisions() == {frozenset(("YH1", "YH2")): "reject", frozenset(("YH3", "YH4")): "reject"}
    store.save_word_features([("YH1", "d1", '{"w": 1}'), ("YH2", "d2", "{}")])
    store.save_word_features([("YH1", "d3", '{"w": 2}')])
    assert store.word_features() == {"YH1": ("d3", '{"w": 2}'), "YH2": ("d2", "{}")}


def test_what_is_stored_survives_reopening(url):
    s = open_store(url)
    s.insert(make_petition("YH1"), run_id=None, source="upstream")
    s.save_ledger_rows([LedgerRow("台账", "YH1", {"a": "b"}, 3)], [])
    s.enqueue([("k1", "digest", "单位", message(1), [])], day=T0.date(), at=T0, run_id=None)
    s.close()
    again = open_store(url)
    try:
        assert again.refs() == {"YH1"} and again.ledger_rows() == [LedgerRow("台账", "YH1", {"a": "b"}, 3)]
        assert [q.key for q in again.outbox()] == ["k1"]
    finally:
        again.close()


def test_a_petition_is_stamped_with_the_callers_time_when_given(store):
    p = make_petition("YH2026110003")
    store.insert(p, run_id="r1", source="upstream", at=AT)
    p.content = "补充"
    store.save(p, changes=[("content", "", "补充")], source="upstream", run_id="r2", at=AT + timedelta(hours=5))
    assert [h["at"] for h in store.history("YH2026110003")] == [AT.isoformat(timespec="seconds"),
                                                                 (AT + timedelta(hours=5)).isoformat(timespec="seconds")]
