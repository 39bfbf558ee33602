"""SIGKILL inside letter drafting, then run again: every .docx opens, no temp file is
left, and each letter is recorded once, with the bytes on disk that the record names."""

from __future__ import annotations

import hashlib

import docx
import pytest

from flows.letters.rules import due_kinds
from flows.letters.settings import LettersSettings
from tests.crash.conftest import Office, petition, temp_files


def _prepare(office: Office) -> int:
    ps = [petition(n, accepted="2026-11-05") if n % 3 == 0 else petition(n) for n in range(1, 9)]
    ps.append(petition(9, accepted="2026-10-10", clerk={"closed_on": "2026-11-20"}))
    office.insert(*ps)
    return sum(len(due_kinds(p, LettersSettings())) for p in ps)


def _check(office: Office, expected: int) -> None:
    folder = office.workdir / "letters"
    assert temp_files(folder) == []
    rows = office.query("SELECT scope, kind, version, path, sha256 FROM letters")
    assert len(rows) == expected
    assert len({(r[0], r[1]) for r in rows}) == expected  # each letter recorded once
    assert {r[2] for r in rows} == {1}  # no second version of a letter whose data did not change
    on_disk = sorted(p.relative_to(office.workdir).as_posix() for p in folder.rglob("*.docx"))
    assert on_disk == sorted(r[3] for r in rows)  # no orphan file, no record without its file
    for _scope, _kind, _v, path, digest in rows:
        data = (office.workdir / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert docx.Document(office.workdir / path).paragraphs  # opens, and is a whole document


@pytest.mark.parametrize("point", ["letters.before_replace=1", "letters.before_replace=4",
                                   "letters.before_record=1", "letters.before_record=5"])
def test_sigkill_in_letter_drafting_then_rerun(office, point):
    expected = _prepare(office)
    assert expected >= 12
    office.killed("letters", failpoint=point)
    office.ok("letters")
    _check(office, expected)
    office.ok("letters")  # a further run drafts nothing new
    _check(office, expected)
