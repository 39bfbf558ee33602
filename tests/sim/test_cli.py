"""``sim generate`` and ``sim serve`` as separate processes (what the SIGKILL tests rely on)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from petitionbot.sim import AdminClient
from tests.sim.webclient import WebClient


def test_generate_then_serve_in_its_own_process(tmp_path):
    out = tmp_path / "ds.json"
    gen = subprocess.run([sys.executable, "-m", "petitionbot.sim", "generate", "--count", "12", "--seed", "3",
                          "--out", str(out), "--hostile-share", "0"], capture_output=True, text=True, timeout=60)
    assert gen.returncode == 0 and "已生成 12 件" in gen.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    proc = subprocess.Popen([sys.executable, "-m", "petitionbot.sim", "serve", "--dataset", str(out), "--port", "0",
                             "--admin-token", "tok"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["admin_token"] == "tok"
        assert AdminClient(first["url"], "tok").state()["petitions"] == 12
        password = data["units"][0]["users"][0]["password"]
        assert WebClient(first["url"]).login("yhjd01", password).status == 302
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "模拟器已停止" in rest


def test_bad_arguments_answer_in_chinese(tmp_path):
    missing = subprocess.run([sys.executable, "-m", "petitionbot.sim", "serve", "--dataset", str(tmp_path / "no.json")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "找不到数据集文件" in missing.stderr
    bad = subprocess.run([sys.executable, "-m", "petitionbot.sim", "generate", "--count", "3", "--out",
                          str(tmp_path / "x.json"), "--hostile-share", "2"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "比例" in bad.stderr
