"""A letter is issued whole or not at all: every kind with every required value missing in turn.

Each required value is emptied where it comes from in production (a ledger column the clerk
left empty, the upstream data, the config, the legal-basis table, the deadline rules), never on
the letter's context. The letter is then not written, the run says "待补全：缺少……" naming the
value and where to fill it, and so does the ledger's 期限提示 of that petition.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.clock import FixedClock
from flows.letters import UnitItem, draft_letters, draft_unit_letter
from flows.letters.flow import PENDING_SHOWN, LetterIncomplete
from flows.letters.kinds import PETITION_KINDS, REQUIRED, UNIT_KINDS
from flows.runs import Run
from tests.factories import make_petition, make_work_order
from tests.letters.conftest import CONFIG, TODAY, Desk

ON_CLOSE = '\non_close = ["处理意见书", "承办情况报告"]\n'

# What a clerk types for each kind to be due and whole.
DECIDED = {
    "交办单": {},
    "工单交办单": {},
    "受理告知书": {"受理情况": "受理", "受理日期": date(2026, 11, 4)},
    "不予受理告知书": {"受理情况": "不予受理", "不予受理/不再受理理由": "你反映的民事纠纷已由人民法院作出生效判决",
                "法律依据": "应通过法定途径解决"},
    "不再受理告知书": {"受理情况": "不再受理", "不予受理/不再受理理由": "该事项已复核终结", "法律依据": "复核终结后同一事实理由"},
    "延期办理告知书": {"受理情况": "受理", "受理日期": date(2026, 11, 4), "延期至": date(2026, 12, 20),
                "延期理由": "需组织现场勘查"},
    "处理意见书": {"受理情况": "受理", "受理日期": date(2026, 11, 4), "办结日期": date(2026, 11, 5)},
    "承办情况报告": {"受理情况": "受理", "受理日期": date(2026, 11, 4), "办结日期": date(2026, 11, 5)},
}
# How each value goes missing at its source: a column left empty, or the upstream record lacking it.
EMPTY_COLUMN = {"受理日期": "受理日期", "不予受理理由": "不予受理/不再受理理由", "不再受理理由": "不予受理/不再受理理由",
                "法律依据": "法律依据", "延期理由": "延期理由"}
EMPTY_UPSTREAM = {"标题": {"title": ""}, "反映内容": {"content": ""}, "反映方式": {"form": ""},
                  "信访人": {"anonymous": True, "petitioners": []}, "交办机关": {"assigning_office": ""},
                  "责任单位": {"responsible_unit": ""}, "办理时限": {"due_on": None}}
# Values whose source is the office's configuration, rules or tables: every due letter needing them.
FROM_CONFIG = ("本单位", "复查机关", "受理期限", "办结期限", "延期依据")


def per_petition_cases() -> list[tuple[str, str]]:
    return [(kind, field) for kind in PETITION_KINDS for field in REQUIRED[kind] if field not in FROM_CONFIG]


class Office:
    """A store of petitions, the clerk's ledger, and the settings the letters read. ``top`` and
    ``extra`` change the letters' config only (top-level keys, then sections): a broken deadline
    rule would stop the ledger itself, and the clerk's typing must still reach the store."""

    def __init__(self, tmp: Path, top: str = "", extra: str = ""):
        from flows.store.sqlite import SqliteStore
        from petitionbot import config as cfg
        from petitionbot.hooks import letter_setup

        self.tmp = tmp
        base = CONFIG.format(templates=(Path(__file__).parents[2] / "templates/letters").as_posix()) + ON_CLOSE
        self.config = tmp / "petitionbot.toml"
        self.config.write_text(base, encoding="utf-8")
        letters = tmp / "letters.toml"
        letters.write_text(top + base + extra, encoding="utf-8")
        self.settings = letter_setup(cfg.load(str(letters)))
        self.store = SqliteStore(tmp / "work" / "petitionbot.db")
        self.desk = Desk(self.config, self.store)
        self.clock = FixedClock(TODAY)

    def add(self, ref: str, kind: str, missing: str = "") -> tuple[str, dict]:
        fields = dict(responsible_unit="永福村")
        typed = dict(DECIDED[kind])
        if missing in EMPTY_UPSTREAM:
            fields.update(EMPTY_UPSTREAM[missing])
        if missing in EMPTY_COLUMN:
            typed.pop(EMPTY_COLUMN[missing])
        make = make_work_order if kind == "工单交办单" else make_petition
        self.store.insert(make(ref, **fields), run_id=None, source=make(ref).source)
        return ref, typed

    def draft(self) -> tuple[Run, dict[tuple[str, str], Path]]:
        run = Run.start("letters", self.tmp / "runs", self.clock)
        drafted = draft_letters(self.store, self.settings, self.clock, run)
        return run, {(d.ref, d.kind): d.path for d in drafted}

    def close(self) -> None:
        self.store.close()


def pending_of(run: Run) -> dict[tuple[str, str], str]:
    return {(x["ref"], x["kind"]): x["reason"] for x in run.extra["letters"]["pending"]}


def test_every_kind_with_each_value_missing_is_not_issued(tmp_path):
    office = Office(tmp_path)
    cases = per_petition_cases()
    refs = {}
    edits = {}
    for n, (kind, field) in enumerate(cases, 1):
        ref, typed = office.add(f"YH20261101{n:02d}", kind, field)
        refs[(kind, field)] = ref
        edits[ref] = typed
    whole = {}
    for n, kind in enumerate(PETITION_KINDS, 1):  # the same kinds with nothing missing: issued
        ref, typed = office.add(f"YH20261102{n:02d}", kind)
        whole[kind] = ref
        edits[ref] = typed
    office.desk.type(edits)  # the clerk types the decisions; the sync reads them into the store
    run, files = office.draft()
    pending = pending_of(run)
    for kind, ref in whole.items():
        assert (ref, kind) in files and (ref, kind) not in pending, kind
    for (kind, field), ref in refs.items():
        assert (ref, kind) not in files, (kind, field)  # not written
        reason = pending.get((ref, kind), "")
        assert reason.startswith("待补全：缺少") and f"“{field}”（" in reason, (kind, field, reason)
        assert not (office.settings.workdir / "letters" / "2026" / ref / f"{kind}.docx").exists()
    # the run's warnings list the first ones one by one and count the rest
    listed = [w for w in run.warnings if "待补全：缺少" in w]
    lines = {f"{ref}：{kind}{reason}" for (ref, kind), reason in pending.items()}
    assert len(listed) == PENDING_SHOWN and set(listed) <= lines
    assert f"另有 {len(pending) - PENDING_SHOWN} 份文书未起草（待补全）" in "".join(run.warnings)
    # the ledger says the same, in 期限提示, for the clerk to act on
    office.desk.sync()
    for (kind, field), ref in refs.items():
        note = office.desk.row(ref)["期限提示"] or ""
        assert f"{kind}待补全：缺少" in note and f"“{field}”" in note, (kind, field, note)
    office.close()


@pytest.mark.parametrize(("top", "extra", "fields"), [
    ('office = ""\n', "", ("本单位",)),
    ("", 'review_office = ""\n', ("复查机关",)),
    ("", 'legal_basis_file = "legal.toml"\n', ("延期依据",)),
    ("", '\n[deadlines]\nprofiles_file = "{tmp}/broken.toml"\n', ("受理期限", "办结期限")),
])
def test_values_from_the_office_configuration(tmp_path, top, extra, fields):
    (tmp_path / "legal.toml").write_text(
        (Path(__file__).parents[2] / "templates/legal_basis.toml").read_text("utf-8")
        .replace('[extension.national]\narticle = "第三十四条"', '[extension.national]\narticle = ""')
        .replace('[extension.zhejiang]\narticle = "第二十三条"', '[extension.zhejiang]\narticle = ""'), "utf-8")
    (tmp_path / "broken.toml").write_text("[zhejiang.acceptance]\ndays = -1\n", "utf-8")
    office = Office(tmp_path, top, extra.format(tmp=tmp_path.as_posix()))
    edits = dict(office.add(f"YH20261103{n:02d}", kind) for n, kind in enumerate(PETITION_KINDS, 1))
    office.desk.type(edits)
    run, files = office.draft()
    pending = pending_of(run)
    for n, kind in enumerate(PETITION_KINDS, 1):
        ref = f"YH20261103{n:02d}"
        needs = [f for f in fields if f in REQUIRED[kind]]
        if needs:
            assert (ref, kind) not in files, kind
            assert all(f"“{f}”（" in pending.get((ref, kind), "") for f in needs), (kind, pending)
        else:
            assert (ref, kind) in files, (kind, pending)  # a kind that does not need the value is issued
    office.close()


def test_unit_letters_need_an_office_and_a_real_addressee(tmp_path):
    office = Office(tmp_path)
    items = [UnitItem(make_petition(), date(2026, 11, 1), 4, step="办理答复")]
    for kind in UNIT_KINDS:
        with pytest.raises(LetterIncomplete) as info:
            draft_unit_letter(kind, "（未指定责任单位）", items, store=office.store, settings=office.settings,
                              clock=office.clock)
        assert "待补全：缺少“责任单位”（台账“责任单位”列）" in str(info.value)
        office.settings.office = ""
        with pytest.raises(LetterIncomplete) as info:
            draft_unit_letter(kind, "永福村", items, store=office.store, settings=office.settings, clock=office.clock)
        assert "“本单位”（配置 office）" in str(info.value)
        office.settings.office = "余杭街道信访办"
    assert not (office.settings.workdir / "letters").exists()
    office.close()


def test_every_required_value_has_a_case_here():
    """Adding a required value to kinds.REQUIRED without a way to test it missing fails here."""
    covered = {(k, f) for k, f in per_petition_cases()}
    covered |= {(k, f) for k in PETITION_KINDS for f in REQUIRED[k] if f in FROM_CONFIG}
    covered |= {(k, f) for k in UNIT_KINDS for f in ("本单位", "责任单位")}
    assert covered == {(k, f) for k, fields in REQUIRED.items() for f in fields}
    assert all(f in EMPTY_COLUMN or f in EMPTY_UPSTREAM for _k, f in per_petition_cases())


def test_a_basis_that_does_not_fit_the_decision_says_so(tmp_path):
    office = Office(tmp_path)
    ref, typed = office.add("YH2026110401", "不予受理告知书")
    typed["法律依据"] = "复核终结后同一事实理由"  # a 不再受理 reason picked for a 不予受理 decision
    ref2, typed2 = office.add("YH2026110402", "不予受理告知书")
    typed2["法律依据"] = "不属于本机关职权范围"  # a reason whose article the table does not give yet
    office.desk.type({ref: typed, ref2: typed2})
    run, files = office.draft()
    pending = pending_of(run)
    assert "所选“复核终结后同一事实理由”是不再受理的理由，与受理情况不符" in pending[(ref, "不予受理告知书")]
    assert "“不属于本机关职权范围”在法律依据表中还没有核实的条款号" in pending[(ref2, "不予受理告知书")]
    assert not files
    office.close()


def test_the_ledger_does_not_ask_about_long_settled_petitions(tmp_path):
    """The ledger asks about every row of every sync; a closed case's letters are long issued."""
    from flows.letters import ledger_notes

    office = Office(tmp_path)
    notes = ledger_notes(office.settings, today=TODAY)
    refused = {"decision": "不予受理"}  # no reason, no basis: the notice is incomplete
    assert notes(make_petition(clerk=refused))  # open: the clerk is told
    assert notes(make_petition(clerk={**refused, "closed_on": "2026-10-20"}))  # closed two weeks ago: still
    assert notes(make_petition(clerk={**refused, "closed_on": "2026-09-01"})) == []  # closed long ago
    assert notes(make_petition(status="已办结", closed=True, clerk=refused)) == []  # closed upstream
    office.close()
