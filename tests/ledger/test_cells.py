"""Parsing what clerks type, and text made safe for Excel (pure, no files)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.ledger.cells import CUT_MARKER, EXCEL_CELL_LIMIT, canonical, parse_choice, parse_date, safe_text

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("raw, expected", [
    ("2026.11.3", "2026-11-03"), ("2026/11/3", "2026-11-03"), ("2026年11月3日", "2026-11-03"),
    ("２０２６．１１．３", "2026-11-03"), ("20261103", "2026-11-03"), ("26.11.3", "2026-11-03"),
    ("11月3日", "2026-11-03"), ("1月5日", "2027-01-05"), (" 2026-11-03 ", "2026-11-03"),
    (date(2026, 11, 3), "2026-11-03"), (datetime(2026, 11, 3, 0, 0), "2026-11-03"), (46329.0, "2026-11-03"),
    ("2026-11-03 14:20", "2026-11-03"), ("", ""), (None, ""),
])
def test_dates_a_clerk_types_are_read_when_unambiguous(raw, expected):
    parsed = parse_date(raw, TODAY)
    assert parsed.problem == ""
    assert parsed.value == expected


@pytest.mark.parametrize("raw", ["下周", "2026.13.1", "2026-02-30", "11月32日", "3.5.7.9", True, "1899-1-1"])
def test_dates_that_cannot_be_read_are_flagged(raw):
    parsed = parse_date(raw, TODAY)
    assert parsed.problem and parsed.value is None


def test_a_date_without_year_is_read_with_a_note():
    assert "请核对" in parse_date("11月3日", TODAY).note


def test_choices_exact_alias_and_unknown():
    options = ["待办理", "已办结"]
    assert parse_choice(" 已办结 ", options).value == "已办结"
    alias = parse_choice("办结", options, {"办结": "已办结"})
    assert alias.value == "已办结" and alias.note
    unknown = parse_choice("搞定了", options, {"办结": "已办结"})
    assert unknown.problem and unknown.value is None


def test_illegal_xml_characters_are_removed_with_a_note():
    text, notes = safe_text("甲\x00乙\x0b丙\x1f丁\n戊")
    assert text == "甲乙丙丁\n戊"
    assert notes and "3" in notes[0]


def test_text_over_the_cell_limit_is_cut_with_a_marker():
    text, notes = safe_text("长" * 40_000)
    assert len(text) == EXCEL_CELL_LIMIT
    assert text.endswith(CUT_MARKER)
    assert notes


def test_canonical_forms_match_between_writer_and_reader():
    assert canonical(1.0) == canonical(1) == "1"
    assert canonical(datetime(2026, 11, 3)) == canonical(date(2026, 11, 3)) == "2026-11-03"
    assert canonical(None) == canonical("") == canonical("  ") == ""
