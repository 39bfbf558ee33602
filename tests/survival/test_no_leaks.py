"""Secrets and personal data: the demo's chain (petitionbot.commands.demo.steps) against the
simulator with a known password and a fault that forces evidence (screenshot, HTML, Playwright
trace). Then EVERY file the bot wrote -- logs, run folders, evidence HTML, the trace zips unpacked,
ledgers and letters unpacked, exports -- and every mail the catcher received is searched for the
upstream password and the session cookie value: found nowhere but the storage-state file (0600).
``petitionbot export --masked`` carries no petitioner name, ID number or phone number in clear.
"""

from __future__ import annotations

import argparse
import json
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest

from core.errors import LayoutChanged, LoginFailed, UpstreamDown
from petitionbot import config, wiring
from petitionbot.app import App
from petitionbot.commands import export as export_cmd
from petitionbot.commands.demo import demo_config, steps, write_config
from petitionbot.mailcatcher import MailCatcher
from petitionbot.sim import start_simulator
from petitionbot.sim.generate import generate

PASSWORD = "Canary#Pw-7f3a9c-2026"
WRONG = "Wrong#Canary-pw-4410"


def cookie_values(path: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {c["value"] for c in data["cookies"] if len(c.get("value", "")) >= 8}


def blobs(root: Path):
    """(name, bytes) of every file under root, zip members unpacked (traces, .xlsx, .docx)."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield str(path), data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    yield f"{path}!{member}", z.read(member)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    dataset = generate(count=24, seed=8, hostile_share=0.1)
    for unit in dataset["units"]:
        for user in unit["users"]:
            user["password"] = PASSWORD if unit is dataset["units"][0] else "other-Unit-pw-1"
    user = dataset["units"][0]["users"][0]["username"]
    mp.setenv("PETITIONBOT_UPSTREAM_PASSWORD", PASSWORD)
    cookies: set[str] = set()
    with start_simulator(dataset, port=0) as sim, MailCatcher() as catcher:
        cfg = out / "petitionbot.toml"
        localities = [p["locality"] for p in dataset["petitions"] if isinstance(p.get("locality"), str)]
        write_config(cfg, url=sim.url, username=user, extra=demo_config(localities, catcher.port))
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(
            "[upstream]\n", "[upstream]\nretries = 1\nbackoff_seconds = 0.05\nretry_after_max_seconds = 0.1\n"),
            encoding="utf-8")
        app = App(config.load(cfg), as_of=date(2026, 11, 20), trigger="demo")
        # A wrong password first: login-failed evidence holds a page whose password field was typed in.
        mp.setenv("PETITIONBOT_UPSTREAM_PASSWORD", WRONG)
        with pytest.raises(LoginFailed):
            wiring.run_intake(app)
        mp.setenv("PETITIONBOT_UPSTREAM_PASSWORD", PASSWORD)
        # Faults next, so that evidence with traces of logged-in contexts is written: the list
        # (control context, traced with snapshots and network) and the detail lanes.
        sim.admin.schedule("list_page", 2, {"op": "knobs", "knobs": {"down": "503"}})
        with pytest.raises(UpstreamDown):
            wiring.run_intake(app)
        cookies |= cookie_values(app.state_path(app.settings.require_upstream()))
        sim.admin.set_knobs(down="")
        sim.admin.schedule("detail", 4, {"op": "knobs", "knobs": {"layout": "broken"}})
        with pytest.raises(LayoutChanged):
            wiring.run_intake(app)
        sim.admin.set_knobs(layout="v1")
        sim.admin.expire_sessions()  # the next run logs in again: a second cookie to look for
        for _name, step in steps(catcher):
            step(app, out)
        cookies |= cookie_values(app.state_path(app.settings.require_upstream()))
        for masked, name in ((False, "export.jsonl"), (True, "export-masked.jsonl")):
            export_cmd.run(argparse.Namespace(config=str(cfg), as_of="2026-11-20", out=str(out / name),
                                              masked=masked, trigger="clerk"))
        mails = [m.as_bytes() for m in catcher.messages]
    yield {"out": out, "app": app, "cookies": cookies, "mails": mails, "dataset": dataset}
    mp.undo()


def test_the_run_left_evidence_with_traces(demo):
    traces = list(demo["out"].rglob("trace.zip"))
    htmls = [p for p in demo["out"].rglob("*.html") if "evidence" in p.parts]
    assert traces and htmls
    for p in traces + htmls:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        assert stat.S_IMODE(p.parent.stat().st_mode) == 0o700
    for folder in {p for p in demo["out"].rglob("evidence") if p.is_dir()}:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # the folder itself, not only each bundle


def test_the_storage_state_file_is_private(demo):
    path = demo["app"].state_path(demo["app"].settings.require_upstream())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(demo["cookies"]) >= 2  # two logins, two session cookies


def test_no_password_and_no_session_cookie_in_any_file_or_mail(demo):
    secrets = [PASSWORD.encode(), WRONG.encode(), *(c.encode() for c in demo["cookies"])]
    allowed = demo["app"].state_path(demo["app"].settings.require_upstream())
    found, seen = [], 0
    for name, data in blobs(demo["out"]):
        if name == str(allowed) or name == str(allowed) + ".tmp":
            continue
        seen += 1
        found += [(name, s[:6]) for s in secrets if s in data]
    for i, mail in enumerate(demo["mails"]):
        found += [(f"mail {i}", s[:6]) for s in secrets if s in mail]
    assert seen > 50 and demo["mails"]
    assert not found, found


def test_evidence_html_has_password_fields_blank(demo):
    with_password_field = 0
    for p in demo["out"].rglob("*.html"):
        text = p.read_text(encoding="utf-8", errors="replace")
        assert PASSWORD not in text and WRONG not in text
        with_password_field += 'type="password"' in text
    assert with_password_field >= 1  # the login-failed page was kept, its field blanked


def test_masked_export_carries_no_name_id_or_phone_in_clear(demo):
    text = (demo["out"] / "export-masked.jsonl").read_text(encoding="utf-8")
    full = (demo["out"] / "export.jsonl").read_text(encoding="utf-8")
    people = [p for x in demo["dataset"]["petitions"] for p in (x.get("petitioners") or []) if isinstance(p, dict)]
    checked = 0
    for person in people:
        for key in ("name", "id_number", "phone"):
            value = str(person.get(key) or "").strip()
            if len(value) < 2 or value not in full:
                continue  # not stored (another unit's item, quarantined) -- nothing to leak
            assert value not in text, (key, value[:2])
            checked += 1
    assert checked >= 30
