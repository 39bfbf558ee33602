"""A 工单编号 (YH-12345-20261104-0002) has as many digits as an ID number: the scrubber that masks
ID and phone numbers everywhere (logs, reminders, masked exports) must leave it whole, and still
mask a real number written after it or in the same shape."""

from core.privacy import scrub_patterns
from flows.export import export_record, mask_record
from flows.store.sqlite import SqliteStore
from tests.factories import make_work_order


def test_work_order_numbers_are_refs_not_personal_numbers():
    text = "工单编号 YH-12345-20261104-0002 反映欠款，来电 139 0571 0001，又见YH-12345-20261104-0003。"
    out = scrub_patterns(text)
    assert "YH-12345-20261104-0002" in out and "YH-12345-20261104-0003" in out
    assert "139 0571 0001" not in out


def test_a_personal_number_after_a_letter_and_hyphen_is_still_masked():
    for text in ("ID-330110198001010018", "TEL-13905710001", "YH-12345-20261104-0002 13905710001",
                 "YH-12345-20261104-0002-13905710001"):
        out = scrub_patterns(text)
        assert "330110198001010018" not in out and "13905710001" not in out, out


def test_a_masked_export_keeps_the_work_order_number(tmp_path):
    store = SqliteStore(tmp_path / "x.db")
    order = make_work_order()
    store.insert(order, run_id=None, source="hotline")
    record = mask_record(export_record(store.get(order.ref), store), order)
    assert record["ref"] == order.ref and (record["source"], record["source_label"], record["kind"]) == (
        "hotline", "12345热线", "工单")
    assert "13905710001" not in str(record) and "王先生" not in str(record)
    store.close()
