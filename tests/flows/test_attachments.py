import hashlib

import pytest

from core.errors import AttachmentRejected
from flows.attachments import MAX_BYTES, MAX_NAME, safe_name, unique_names, write_atomic, write_checked


@pytest.mark.parametrize("raw,expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("CON.txt", "_CON.txt"),
    ("lpt1", "_lpt1"),
    ("..", "附件"),
    ("信访材料（一）.pdf", "信访材料（一）.pdf"),
    ("\u202etxt.exe", "txt.exe"),
    ("a:b*c?.doc", "a_b_c_.doc"),
])
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected


def test_long_name_is_cut_keeping_extension():
    name = safe_name("a" * 300 + ".pdf")
    assert len(name) == MAX_NAME and name.endswith(".pdf")
    cjk = safe_name("材" * 300 + ".pdf")
    assert cjk.endswith(".pdf") and len(cjk.encode()) <= MAX_BYTES


def test_long_cjk_name_can_be_written(tmp_path):
    name = safe_name("材" * 300 + ".pdf")
    write_atomic(tmp_path / name, b"x")
    assert (tmp_path / name).read_bytes() == b"x"


def test_unique_names_number_collisions_case_insensitively():
    assert unique_names(["a.pdf", "A.pdf", "b", "b"]) == ["a.pdf", "A(1).pdf", "b", "b(1)"]


def test_write_atomic_leaves_no_partial(tmp_path):
    target = tmp_path / "d" / "f.bin"
    write_atomic(target, b"abc")
    write_atomic(target, b"xyz")
    assert target.read_bytes() == b"xyz" and list(target.parent.iterdir()) == [target]


def test_write_atomic_keeps_its_temp_file_in_the_private_folder(tmp_path):
    scratch = tmp_path / "tmp" / "1"
    scratch.mkdir(parents=True)
    target = tmp_path / "attachments" / "X" / "f.bin"
    write_atomic(target, b"abc", scratch=scratch)
    assert target.read_bytes() == b"abc" and list(scratch.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "attachments").rglob("*")) == ["X", "f.bin"]


def test_write_checked_returns_the_hash_of_the_file_on_disk(tmp_path):
    digest = write_checked(tmp_path / "a" / "f.bin", b"content")
    assert digest == hashlib.sha256(b"content").hexdigest()


def test_write_checked_refuses_a_file_that_is_not_what_was_written(tmp_path, monkeypatch):
    import flows.attachments as files

    def torn(path, data, *, scratch=None):  # a failing disk (or another writer) in one function's test
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[:-1])

    monkeypatch.setattr(files, "write_atomic", torn)
    with pytest.raises(AttachmentRejected, match="校验不一致"):
        write_checked(tmp_path / "f.bin", b"content")
