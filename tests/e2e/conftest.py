"""End-to-end fixtures: a real simulator on loopback, real Chromium, a real store."""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import pytest

from petitionbot import config
from petitionbot.app import App
from petitionbot.commands.demo import write_config
from petitionbot.sim import start_simulator

PASSWORD = "Yh#2026-test-pw"
UNIT = "YH-JD"


def petition(ref: str, **kw) -> dict:
    base = {
        "ref": ref, "title": f"反映{ref}道路破损问题", "form": "来信", "received_on": "2026-11-02",
        "assigned_on": "2026-11-03", "assigned_to": UNIT, "assigning_office": "余杭区信访局", "handover": "交办",
        "due_on": "2026-12-03",
        "petitioners": [{"name": "王建国", "id_number": "330110198001010018", "phone": "13905710001",
                         "address": "余杭街道永福村3组"}],
        "headcount": 1, "locality": "永福村", "purpose": "求决", "category": "城乡建设",
        "content": "道路破损严重。", "demand": "尽快修复。", "anonymous": False, "status": "待签收",
        "attachments": [{"name": "现场照片说明.txt", "media_type": "text/plain",
                         "base64": base64.b64encode("照片说明".encode()).decode()}],
    }
    base.update(kw)
    return base


def dataset(*petitions: dict) -> dict:
    return {
        "units": [
            {"code": UNIT, "name": "余杭街道", "users": [{"username": "yhjd01", "password": PASSWORD}]},
            {"code": "YH-WC", "name": "仓前街道", "users": [{"username": "cq01", "password": "other-pw-1"}]},
        ],
        "petitions": [copy.deepcopy(p) for p in petitions],
    }


@pytest.fixture
def make_env(tmp_path, monkeypatch):
    """make_env(dataset, **upstream) -> (app, sim): a fresh workdir and simulator per test."""
    sims = []

    def make(data: dict, **upstream):
        sim = start_simulator(data, port=0)
        sims.append(sim)
        cfg = tmp_path / "petitionbot.toml"
        extra = "".join(f"{k} = {v!r}\n".replace("'", '"') if isinstance(v, str) else f"{k} = {str(v).lower()}\n"
                        for k, v in upstream.items())
        write_config(cfg, url=sim.url, username="yhjd01")
        text = cfg.read_text(encoding="utf-8").replace("[upstream]\n", "[upstream]\n" + extra)
        cfg.write_text(text, encoding="utf-8")
        monkeypatch.setenv("PETITIONBOT_UPSTREAM_PASSWORD", PASSWORD)
        return App(config.load(cfg)), sim

    yield make
    for sim in sims:
        sim.stop()


@pytest.fixture
def workdir(tmp_path) -> Path:
    return tmp_path / "work"
