"""Letters recognise their own files by a record of their hash, whatever the day.

``petitionbot run letters`` is killed after writing a letter and before recording it; the clerk
runs it again on a later day, when the drafted letters carry another date and so other bytes.
The file on disk is the bot's own (its hash was recorded before it was written): it is replaced
by today's draft and recorded as version 1 -- no 交办单.v2.docx, no orphaned v1, and no claim that
the bot's own file "不是本程序写的". A file a clerk really wrote is still never overwritten."""

from __future__ import annotations

import hashlib

import pytest

from tests.crash.conftest import AS_OF, Office, petition, temp_files

LATER = "2026-11-30"  # the next Monday after AS_OF


@pytest.fixture
def office(tmp_path) -> Office:
    """The crash tests' office: the real CLI in a child process, killed at a fail point."""
    return Office(tmp_path)


def letters_table(office: Office) -> list[tuple]:
    return office.query("SELECT scope, kind, version, path, sha256 FROM letters ORDER BY id")


def test_a_letter_written_before_a_crash_is_the_bots_own_on_a_later_day(office: Office):
    office.insert(*(petition(n) for n in range(1, 4)))
    office.killed("letters", failpoint="letters.before_record=1")
    orphan = [p for p in (office.workdir / "letters").rglob("*.docx")]
    assert len(orphan) == 1  # written, never recorded
    first_bytes = orphan[0].read_bytes()

    r = office.ok("letters", "--as-of", LATER)
    assert "不是本程序写的" not in r.stdout + r.stderr
    rows = letters_table(office)
    assert {row[2] for row in rows} == {1}, rows  # every letter is version 1
    on_disk = sorted(p.relative_to(office.workdir).as_posix() for p in (office.workdir / "letters").rglob("*.docx"))
    assert on_disk == sorted(row[3] for row in rows)  # no .v2 beside an orphaned v1
    for _scope, _kind, _v, path, digest in rows:
        assert hashlib.sha256((office.workdir / path).read_bytes()).hexdigest() == digest
    assert orphan[0].read_bytes() != first_bytes  # today's draft replaced the crashed run's own file
    assert temp_files(office.workdir / "letters") == []


def test_a_clerks_file_at_the_same_place_is_still_never_overwritten(office: Office):
    office.insert(petition(1))
    office.killed("letters", failpoint="letters.before_record=1")
    (orphan,) = list((office.workdir / "letters").rglob("*.docx"))
    orphan.write_bytes(b"PK the clerk opened the draft in Word and saved it")  # now it is the clerk's
    r = office.ok("letters", "--as-of", LATER)
    assert orphan.read_bytes() == b"PK the clerk opened the draft in Word and saved it"
    assert "不是本程序写的" in r.stdout + r.stderr
    assert any(row[3].endswith(orphan.stem + ".v2.docx") for row in letters_table(office))
    assert AS_OF < LATER
