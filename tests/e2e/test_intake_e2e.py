"""Intake end to end: real Chromium drives the real simulator; the store is read back."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from core.errors import LoginFailed
from petitionbot import wiring
from tests.e2e.conftest import dataset, petition


def test_happy_path_stores_every_petition_with_attachments_and_signs(make_env):
    data = dataset(*(petition(f"YH2026{n:06d}") for n in range(1, 26)),
                   petition("CQ2026000001", assigned_to="YH-WC"))
    app, sim = make_env(data, page_size=10)
    run = wiring.run_intake(app, sign=True).run
    assert run.status == "ok" and run.counts.new == 25 and run.counts.signed == 25
    before_signed = sim.admin.state()["signed"]
    assert len(before_signed) == 25
    assert app.store.refs() == {f"YH2026{n:06d}" for n in range(1, 26)}  # never another unit's item
    p = app.store.get("YH2026000001")
    assert p.petitioners[0].id_number == "330110198001010018" and p.due_on.isoformat() == "2026-12-03"
    att = p.attachments[0]
    assert att.name == "现场照片说明.txt" and (app.workdir / att.path).read_text(encoding="utf-8") == "照片说明"
    summary = json.loads((run.folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["new"] == 25 and summary["status"] == "ok"
    assert summary["robot"]["contexts"] >= 1 and summary["robot"]["relogins"] == 0
    assert set(summary["seconds"]) >= {"login", "list", "after_login"}
    assert stat.S_IMODE(app.state_path(app.settings.require_upstream()).stat().st_mode) == 0o600
    # a rerun with nothing new fetches nothing, signs nothing, changes nothing
    before = sim.admin.state()["counters"]
    again = wiring.run_intake(app, sign=True).run
    assert again.counts.new == 0 and again.counts.unchanged == 25 and again.counts.signed == 0
    after = sim.admin.state()["counters"]
    for counter in ("detail", "download"):  # counted by the simulator, not by the bot
        assert after[counter] == before[counter], counter
    assert sim.admin.state()["signed"] == before_signed


def test_upstream_changes_are_recorded_as_history(make_env):
    data = dataset(*(petition(f"YH2026{n:06d}") for n in range(1, 5)))
    app, sim = make_env(data)
    wiring.run_intake(app)
    sim.admin.update_petition("YH2026000001", due_on="2026-12-20")
    sim.admin.update_petition("YH2026000002", assigned_to="YH-WC")
    sim.admin.withdraw("YH2026000003")
    run = wiring.run_intake(app).run
    store = app.store
    assert store.get("YH2026000001").due_on.isoformat() == "2026-12-20"
    assert store.get("YH2026000002").upstream_state == "reassigned"
    assert store.get("YH2026000003").upstream_state == "withdrawn"
    assert store.get("YH2026000004").upstream_state == "active"
    assert any(h["field"] == "due_on" for h in store.history("YH2026000001"))
    assert run.counts.updated == 3


def test_wrong_password_fails_once_with_a_clear_message(make_env, monkeypatch):
    app, sim = make_env(dataset(petition("YH2026000001")))
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_PASSWORD", "wrong-password")
    with pytest.raises(LoginFailed) as exc:
        wiring.run_intake(app)
    assert "密码" in str(exc.value) or "登录" in str(exc.value)
    assert sim.admin.state()["counters"].get("login_post", 0) == 1  # no retry storm
    assert app.store.refs() == set()


HOSTILE = [
    petition("YH2026100001", received_on=""),  # missing date
    petition("YH2026100002", assigned_on="2026-02-30"),  # impossible date
    petition("YH2026100003", content="长" * 40_000),
    petition("YH2026100004", content="控制\x07字符\u200b零宽\u202e反向😀", title="=HYPERLINK(\"http://x\")"),
    petition("YH2026100005", content="<script>alert(1)</script><b>粗体</b> {{ 7*7 }} '; DROP TABLE petitions;--"),
    petition("YH2026100006", attachments=[
        {"name": "../../etc/passwd", "media_type": "text/plain", "base64": base64.b64encode(b"x").decode()},
        {"name": "CON.txt", "media_type": "text/plain", "base64": base64.b64encode(b"y").decode()},
        {"name": "长" * 300 + ".pdf", "media_type": "application/pdf", "base64": base64.b64encode(b"z").decode()},
    ]),
    petition("YH2026100007", attachments=[{"name": "超大附件.bin", "media_type": "application/octet-stream",
                                           "size": 3 * 1024 * 1024}]),
    petition("YH2026100008", title=""),  # missing title
    petition("YH2026100009"),
    petition("YH2026100009", title="重复编号的另一件"),  # a ref listed twice
]


def test_hostile_items_get_a_clear_outcome_and_never_corrupt_the_store(make_env):
    app, sim = make_env(dataset(*HOSTILE), attachment_max_mb=1)
    run = wiring.run_intake(app).run
    store = app.store
    quarantined = {q["ref"]: q["reason"] for q in store.quarantined()}
    assert set(quarantined) == {"YH2026100001", "YH2026100002", "YH2026100008"}
    assert "收信日期" in quarantined["YH2026100001"] and "交办日期" in quarantined["YH2026100002"]
    assert run.status == "partial" and run.counts.failed == 3
    assert len(store.get("YH2026100003").content) == 40_000
    p4 = store.get("YH2026100004")
    assert p4.title.startswith("=HYPERLINK") and "\x07" not in p4.content and "\u202e" not in p4.content
    assert "😀" in p4.content
    assert "{{ 7*7 }}" in store.get("YH2026100005").content  # stored literally, never evaluated
    names = [a.name for a in store.get("YH2026100006").attachments]
    assert names[0] == "passwd" and names[1] == "_CON.txt" and len(names[2].encode()) <= 180
    for a in store.get("YH2026100006").attachments:
        assert (app.workdir / a.path).resolve().is_relative_to(app.workdir / "attachments")
    big = store.get("YH2026100007").attachments[0]
    assert big.path == "" and any("超大附件" in w for w in run.warnings)
    assert "YH2026100009" in store.refs()
    # rerun: nothing duplicated, quarantine kept for a person
    again = wiring.run_intake(app).run
    assert again.counts.new == 0 and len(store.refs()) == 6
