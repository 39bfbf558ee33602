"""Real commands, real files: no planted name, ID number, phone number or password in clear
in any file a run leaves behind (logs, JSON lines, run logs, summaries, the scheduler's job
store) nor in what the commands print. The store itself is the system of record and holds
them by design; only its runs table (summaries) is checked."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from petitionbot import logs as log_setup
from petitionbot.cli import main
from tests.schedule.planted import ID_NUMBER, NAME, PASSWORD, PHONE

ROOT = Path(__file__).resolve().parents[2]
PLANTED = [NAME, ID_NUMBER, PHONE, PASSWORD]


def _forms(secret: str) -> list[str]:
    # JSON lines may escape non-ASCII: look for the escaped spelling too.
    return [secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]]


def _run(args, cwd, **env):
    cmd = [sys.executable, "-m", "tests.schedule.planted", *args]
    full = {**os.environ, "PYTHONPATH": str(ROOT), "PETITIONBOT_UPSTREAM_PASSWORD": PASSWORD, **env}
    return subprocess.run(cmd, cwd=cwd, env=full, capture_output=True, text=True, timeout=60)


def test_nothing_personal_in_clear_in_any_output(tmp_path, monkeypatch, capfd):
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text('[upstream]\nurl = "http://127.0.0.1:8765/"\nusername = "yhjd01"\n'
                   '[storage]\nworkdir = "work"\n[logging]\njson_lines = true\n'
                   '[service]\nmin_free_disk_mb = 50\n', encoding="utf-8")  # doctor: judge only what is tested
    c = ["--config", str(cfg)]
    outputs = [_run(["run", "intake", *c], tmp_path), _run(["run", "intake", *c], tmp_path, PLANTED_MODE="crash")]
    assert outputs[0].returncode == 3, outputs[0].stderr  # two planted items quarantined
    assert outputs[1].returncode != 0 and "RuntimeError" in outputs[1].stderr
    work = tmp_path / "work"
    run_ids = sorted(p.name for p in (work / "runs").iterdir())
    assert len(run_ids) == 2
    # The read-only commands run in this process (same CLI entry, same log files) to save process starts.
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_PASSWORD", PASSWORD)
    try:
        # doctor fails (exit 1) for one reason only: no upstream answers at the configured address.
        for args, expected in ((["runs", *c], 0), (["runs", "show", run_ids[0], *c], 0),
                               (["doctor", "--no-launch", "--as-of", "2026-06-01", *c], 1)):
            code = main(args)
            out = capfd.readouterr()
            assert code == expected, out.out + out.err
            outputs.append(subprocess.CompletedProcess(args, code, out.out, out.err))
        assert [line for line in outputs[-1].stdout.splitlines() if line.startswith("✗")] == [
            line for line in outputs[-1].stdout.splitlines() if line.startswith("✗ 上游系统：")]
    finally:
        log_setup.setup("INFO")  # main() pointed the log sinks at this test's workdir

    db = work / "petitionbot.db"
    files = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("petitionbot.db")
             and "attachments" not in p.parts]
    assert {"petitionbot.log", "petitionbot.jsonl", "run.log", "summary.json"} <= {p.name for p in files}
    texts = {str(p): p.read_bytes().decode("utf-8", "replace") for p in files}
    texts |= {f"stdout/stderr of command {n}": o.stdout + o.stderr for n, o in enumerate(outputs)}
    with sqlite3.connect(db) as con:
        texts["runs table"] = "\n".join(r[0] or "" for r in con.execute("SELECT summary FROM runs"))
        stored = "\n".join(r[0] for r in con.execute("SELECT data FROM petitions"))
    assert NAME in stored and ID_NUMBER in stored  # the data really went through this run

    leaks = [(where, s) for where, text in texts.items() for secret in PLANTED for s in _forms(secret) if s in text]
    assert leaks == []
    logs = texts[str(work / "logs" / "petitionbot.log")]
    assert "司**松" in logs and "139****2345" in logs  # the logs did see the data, masked
