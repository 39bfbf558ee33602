"""The work-order generator and the ``sim hotline`` commands."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime

from petitionbot.cli import build_parser
from petitionbot.sim.hotline import HotlineAdmin
from petitionbot.sim.hotline.generate import generate_orders
from tests.hotline.webclient import HotlineClient

REF = re.compile(r"^YH-12345-(\d{8})-(\d{4})$")
STAMP = "%Y-%m-%d %H:%M:%S"


def test_same_seed_same_orders_other_seed_other_orders():
    assert json.dumps(generate_orders(50, 5)) == json.dumps(generate_orders(50, 5))
    assert generate_orders(50, 5)["orders"] != generate_orders(50, 6)["orders"]


def test_orders_are_well_formed_and_varied():
    data = generate_orders(400, 2, hostile_share=0)
    orders = data["orders"]
    refs = [o["ref"] for o in orders]
    assert len(set(refs)) == len(refs) == 400
    now = datetime(2026, 11, 20, 9, 0)
    for o in orders:
        m = REF.match(o["ref"])
        received, dispatched, due = (datetime.strptime(o[k], STAMP) for k in ("received_at", "dispatched_at", "due_at"))
        assert m and m[1] == dispatched.strftime("%Y%m%d")
        assert received < dispatched < now and due > dispatched
        assert len(o["phone"]) == 11 and o["phone"].isdigit() and o["phone"][0] == "1"
        assert "id_number" not in o and isinstance(o["attachment"], dict)  # name + phone, one attachment
        assert o["caller"] and o["content"].startswith("市民")
        assert (o["attachment"]["name"] == "录音转写.txt") == (o["channel"] == "电话")
    assert {o["request_type"] for o in orders} == {"咨询", "求助", "投诉", "举报", "建议"}
    assert {o["channel"] for o in orders} == {"电话", "网站", "微信", "APP"}
    assert {o["status"] for o in orders} >= {"待接单", "处理中", "已办结待回访", "已回访", "退单"}
    assert {o["phone"][:2] for o in orders} == {"13", "14", "15", "16", "17", "18", "19"}
    callers = Counter("先生" in o["caller"] or "女士" in o["caller"] for o in orders)
    assert callers[True] > 50 and callers[False] > 200
    reports = [o for o in orders if o["request_type"] == "举报"]
    assert sum(o["confidential"] == "是" for o in reports) > len(reports) / 2  # informants mostly ask for secrecy
    transcript = next(o for o in orders if o["channel"] == "电话")["attachment"]["text"]
    assert transcript.startswith("【12345来电录音转写】") and "话务员" in transcript


def test_hostile_share_puts_hostile_values_in():
    assert not any(t["hostile"] for t in generate_orders(100, 4, hostile_share=0)["truth"].values())
    assert sum(t["hostile"] for t in generate_orders(100, 4, hostile_share=0.3)["truth"].values()) > 15


def test_generate_then_serve_in_its_own_process(tmp_path):
    out = tmp_path / "orders.json"
    gen = subprocess.run([sys.executable, "-m", "petitionbot.sim.hotline", "generate", "--count", "12", "--seed", "3",
                          "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert gen.returncode == 0 and "已生成 12 件工单" in gen.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    proc = subprocess.Popen([sys.executable, "-m", "petitionbot.sim.hotline", "serve", "--dataset", str(out),
                             "--port", "0", "--admin-token", "tok"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = json.loads(proc.stdout.readline())
        assert HotlineAdmin(first["url"], "tok").state()["orders"] == 12
        password = data["units"][0]["users"][0]["password"]
        assert HotlineClient(first["url"]).login("YH0231", password).status == 302
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "模拟器已停止" in rest


def test_the_main_cli_has_the_hotline_under_sim(tmp_path):
    args = build_parser().parse_args(["sim", "hotline", "generate", "--count", "3", "--out", str(tmp_path / "x.json")])
    assert args.func(args) == 0 and len(json.loads((tmp_path / "x.json").read_text("utf-8"))["orders"]) == 3
    bad = subprocess.run([sys.executable, "-m", "petitionbot.sim.hotline", "serve", "--dataset",
                          str(tmp_path / "missing.json")], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "找不到数据集文件" in bad.stderr
