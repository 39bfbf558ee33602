"""Every clerk value the letters and the deadlines read has a ledger column a clerk fills, and
typed there it reaches them: nothing is fed that production cannot fill."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from flows.deadlines import build_engine
from flows.ledger.columns import BY_KEY, CLERK_KEYS
from petitionbot import cli
from tests.factories import make_petition

ROOT = Path(__file__).resolve().parents[2]
# clerk.get("x"), clerk["x"], (p.clerk or {}).get("x"), and the engine's review steps' keys
READS = re.compile(r"""clerk(?: or \{\}\))?(?:\.get\(|\[)\s*["'](\w+)["']|["']((?:re_)?review_(?:requested|closed)_on)["']""")


def clerk_keys_read() -> set[str]:
    found = set()
    for folder in ("flows/letters", "flows/deadlines", "flows/reminders"):
        for path in (ROOT / folder).rglob("*.py"):
            for m in READS.finditer(path.read_text("utf-8")):
                found.add(m.group(1) or m.group(2))
    return found


def test_every_clerk_value_read_has_a_ledger_column():
    read = clerk_keys_read()
    assert {"decision_reason", "legal_basis", "extension_reason", "review_requested_on", "re_review_closed_on"} <= read
    assert read <= set(CLERK_KEYS), read - set(CLERK_KEYS)
    assert BY_KEY["decision_reason"].header == "不予受理/不再受理理由" and BY_KEY["extension_reason"].header == "延期理由"


def test_review_dates_typed_in_the_ledger_move_the_review_steps(store, desk, config, capsys):
    store.insert(make_petition(responsible_unit="永福村"), run_id=None, source="upstream")
    desk.type({"YH2026110001": {"受理情况": "受理", "受理日期": date(2026, 10, 8), "办结日期": date(2026, 10, 20),
                                "复查申请日期": date(2026, 10, 28), "复核申请日期": date(2026, 11, 3),
                                "复查意见日期": date(2026, 11, 2)}})
    p = store.get("YH2026110001")
    assert p.clerk["review_requested_on"] == "2026-10-28" and p.clerk["re_review_requested_on"] == "2026-11-03"
    schedule = build_engine().schedule(p)
    review, re_review = schedule.step("review"), schedule.step("re_review")
    assert review.start == date(2026, 10, 28) and review.done and review.done_on == date(2026, 11, 2)
    assert re_review.start == date(2026, 11, 3) and re_review.due == date(2026, 12, 3) and not re_review.done
    capsys.readouterr()
    assert cli.main(["deadlines", "explain", "YH2026110001", "--config", str(config), "--as-of", "2026-11-05"]) == 0
    out = capsys.readouterr().out
    assert "【复查意见】复查申请日期 2026年10月28日" in out and "【复核意见】复核申请日期 2026年11月3日" in out
