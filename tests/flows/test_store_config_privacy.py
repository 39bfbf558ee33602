import json
from datetime import date

import pytest

from core.errors import ConfigError, StoreError
from core.privacy import Redactor, id_checksum_ok, mask_id, mask_name, mask_phone
from flows.export import export_all
from flows.store import open_store
from petitionbot import config
from tests.factories import make_petition, make_petitioner


def test_migrations_apply_once_and_transactions_roll_back(tmp_path):
    store = open_store(str(tmp_path / "a.db"))
    assert store.migrate() == []  # already applied on open
    with pytest.raises(RuntimeError), store.transaction():
        assert store.next_local_ref(2030) == "BD203000001"
        raise RuntimeError("boom")
    assert store.next_local_ref(2030) == "BD203000001"  # the grouped call was rolled back
    store.insert(make_petition("R1"), run_id=None, source="upstream")
    with pytest.raises(StoreError, match="重复"):
        store.insert(make_petition("R1"), run_id=None, source="upstream")
    store.close()
    reopened = open_store(str(tmp_path / "a.db"))
    assert reopened.get("R1").received_on == date(2026, 11, 2)


def test_config_errors_name_key_and_line(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[upstream]\nurl = "http://x"\nconcurency = 4\n\n[storage]\nworkdir = "w"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        config.load(f)
    assert "第 3 行 upstream.concurency" in str(exc.value) and "未知的配置项" in str(exc.value)
    f.write_text('[storage]\nworkdir = "w"\n', encoding="utf-8")
    assert config.load(f).workdir == (tmp_path / "w").resolve()
    with pytest.raises(ConfigError, match="找不到配置文件"):
        config.load(tmp_path / "missing.toml")


def test_secret_comes_from_environment(monkeypatch):
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_PASSWORD", "s3cret-pw")
    assert config.secret("yhjd01", env="PETITIONBOT_UPSTREAM_PASSWORD") == "s3cret-pw"


def test_masks():
    assert mask_name("张三") == "张*" and mask_name("张三丰") == "张*丰" and mask_name("欧阳娜娜") == "欧**娜"
    assert mask_id("330110198001010018") == "330***********0018"
    assert mask_phone("13905710001") == "139****0001"
    assert id_checksum_ok("330110198001010018") and not id_checksum_ok("330110198001010011")


def test_redactor_masks_names_ids_phones_and_secrets():
    r = Redactor()
    r.add_names("王建国")
    r.add_secrets("hunter2-pass")
    text = r("王建国 身份证 330110198001010018 电话 13905710001 座机 0571-86123456 密码 hunter2-pass")
    for leak in ("王建国", "330110198001010018", "13905710001", "86123456", "hunter2-pass"):
        assert leak not in text
    assert "王*国" in text and "139****0001" in text


def test_masked_export_has_no_personal_data_in_clear(tmp_path):
    store = open_store(str(tmp_path / "e.db"))
    p = make_petition("R1", content="王建国说他的电话是13905710001", petitioners=[make_petitioner()])
    accused = make_petition("R2", purpose="检举控告", content="举报人赵秘密反映", petitioners=[make_petitioner(name="赵秘密")])
    store.insert(p, run_id=None, source="upstream")
    store.insert(accused, run_id=None, source="upstream")
    blob = "\n".join(json.dumps(r, ensure_ascii=False) for r in export_all(store, masked=True))
    for leak in ("王建国", "13905710001", "330110198001010018", "赵秘密", "赵*密"):
        assert leak not in blob
    full = list(export_all(store))
    assert full[0]["petitioners"][0]["name"] == "王建国" and full[0]["history"][0]["field"] == "created"
    # Masked, not dropped: the copy is still useful to whoever receives it.
    masked = {r["ref"]: r for r in export_all(store, masked=True)}
    assert masked["R1"]["content"] == "王*国说他的电话是139****0001"
    assert masked["R1"]["petitioners"][0] == {"name": "王*国", "id_number": "330***********0018",
                                              "phone": "139****0001", "address": ""}
    assert masked["R2"]["petitioners"][0]["name"] == "" and masked["R2"]["content"] == "举报人***反映"


def test_migration_split_ignores_semicolons_in_comments_and_strings():
    from flows.store.sqlite import split_sql

    script = "-- a; comment\nCREATE TABLE t (a TEXT DEFAULT 'x;y');\n-- more; here\nINSERT INTO t VALUES ('1;2');\n"
    assert split_sql(script) == ["CREATE TABLE t (a TEXT DEFAULT 'x;y');", "INSERT INTO t VALUES ('1;2');"]


def test_insert_closes_the_refs_quarantine_in_the_same_transaction(tmp_path):
    store = open_store(str(tmp_path / "q.db"))
    store.quarantine("R1", "缺少收信日期", {"ref": "R1"}, run_id="r1")
    store.quarantine("R2", "缺少标题", {"ref": "R2"}, run_id="r1")
    store.insert(make_petition("R1"), run_id="r2", source="upstream")
    assert [q["ref"] for q in store.quarantined()] == ["R2"]


def test_a_masked_accusation_keeps_no_masked_trace_of_its_accuser():
    # The analysis' explanations name people masked (赵*举, 138****2222); for an accuser not even that.
    from flows.export import mask_record

    accuser = make_petitioner(name="赵检举", id_number="330110197505050011", phone="13811112222",
                              address="永福村五组3号")
    p = make_petition("R3", purpose="检举控告", petitioners=[accuser])
    why = ("重件：与 R2 为同一信访人（身份证号 330***********0011；电话和姓名（138****2222，赵*举）；"
           "姓名和村民小组/楼幢（赵*举，永福村5组））")
    text = mask_record({"ref": "R3", "analysis_explanation": [why]}, p)["analysis_explanation"][0]
    for leak in ("赵*举", "138****2222", "330***********0011", "5组"):
        assert leak not in text
    assert "重件：与 R2 为同一信访人" in text
    # a petitioner who is no accuser keeps the masked trace that tells a clerk who it is
    plain = make_petition("R4", petitioners=[accuser])
    assert "赵*举" in mask_record({"ref": "R4", "analysis_explanation": [why]}, plain)["analysis_explanation"][0]
