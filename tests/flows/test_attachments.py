import pytest

from flows.attachments import MAX_BYTES, MAX_NAME, safe_name, safe_ref, unique_names, write_atomic


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


def test_safe_ref_never_contains_a_separator():
    assert "/" not in safe_ref("../x") and safe_ref("YH-2026_01") == "YH-2026_01"


def test_write_atomic_leaves_no_partial(tmp_path):
    target = tmp_path / "d" / "f.bin"
    write_atomic(target, b"abc")
    write_atomic(target, b"xyz")
    assert target.read_bytes() == b"xyz" and list(target.parent.iterdir()) == [target]
