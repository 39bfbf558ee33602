"""One ref normalisation (core/refs.py): what counts as the same 信访件编号, and folder names
that two refs can never share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refs import folder_name, ref_key, same_ref


@pytest.mark.parametrize("a,b", [
    ("xf2026112500001", "XF2026112500001"),
    ("XF(2026)77", "XF（2026）77"),
    ("XF〔2026〕77", "XF(2026)77"),
    ("XF【2026】77", "XF[2026]77"),
    (" XF 2026 77 ", "XF202677"),
    ("ＸＦ２０２６７７", "XF202677"),  # full-width letters and digits from an IME
    ("XF2026\u200b77", "XF202677"),
])
def test_spellings_of_one_ref_share_a_key(a, b):
    assert ref_key(a) == ref_key(b) and same_ref(a, b)


@pytest.mark.parametrize("a,b", [("XF(2026)77", "XF_2026_77"), ("XF2026-77", "XF202677"), ("YH1", "YH11")])
def test_different_refs_keep_different_keys(a, b):
    assert ref_key(a) != ref_key(b)


def test_folder_names_of_plain_refs_are_the_key_itself():
    assert folder_name("YH2026000001") == "YH2026000001"
    assert folder_name("xf2026112500001") == "XF2026112500001"


def test_a_folder_name_that_sanitising_changed_carries_a_hash():
    a, b = folder_name("XF(2026)77"), folder_name("XF_2026_77")
    assert a != b and a.startswith("XF_2026_77~") and b == "XF_2026_77"
    assert folder_name("XF（2026）77") == a  # one petition, one folder
    assert "/" not in folder_name("../../etc") and ".." not in folder_name("../../etc")


@given(st.text(min_size=1, max_size=100), st.text(min_size=1, max_size=100))
def test_two_refs_share_a_folder_only_when_they_share_a_key(a, b):
    if ref_key(a) != ref_key(b):
        assert folder_name(a).lower() != folder_name(b).lower()  # even on a case-insensitive disk
    else:
        assert folder_name(a) == folder_name(b)
    assert len(folder_name(a).encode()) <= 161 and "/" not in folder_name(a) and "\\\\" not in folder_name(a)
