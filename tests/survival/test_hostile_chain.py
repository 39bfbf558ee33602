"""The hostile corpus (tests/data/hostile/hostile.json, 40+ petitions) through the WHOLE chain:
intake -> analysis -> ledger -> letters -> reminders (real Chromium, the real simulator, a loopback
SMTP server). Every .xlsx / .docx the chain wrote opens with openpyxl / python-docx and converts
with LibreOffice headless; template syntax from data is never executed; formula-looking text is
stored as text; the store has every valid petition exactly once and the malformed ones quarantined.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from flows.convert import find_soffice
from petitionbot import config, wiring
from petitionbot.app import App
from petitionbot.commands.demo import demo_config, write_config
from petitionbot.mailcatcher import MailCatcher
from petitionbot.sim import start_simulator

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile" / "hostile.json"
DATA = json.loads(CORPUS.read_text(encoding="utf-8"))
PASSWORD = DATA["units"][0]["users"][0]["password"]
TRUTH = DATA["truth"]
VALID = {ref for ref, t in TRUTH.items() if not t["malformed"] and not t.get("foreign")}
MALFORMED = {ref: t["malformed"] for ref, t in TRUTH.items() if t["malformed"]}
FOREIGN = {ref for ref, t in TRUTH.items() if t.get("foreign")}
# What executed template syntax would leave behind where the data had it.
EXECUTED = ("模板49", "内容 49 结束", "诉求49", "循环循环循环", "<class ", "__subclasses__()>", "模板真", "ANALYSIS_",
            "<Config ")
FORMULA_MARKS = ("HYPERLINK", "cmd|", "IMPORTXML", "SUM(A1:A2)", "TODAY()")


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_the_corpus_is_hostile_enough():
    assert len(DATA["petitions"]) >= 40
    text = "\n".join(strings(DATA))
    for needle in ("=HYPERLINK", "=cmd|", "{{ 7*7 }}", "{% for", "__class__", "\u202e", "\u200b", "\x07", "<script>",
                   "DROP TABLE", "../../", "CON.txt", "😀", "2026-02-30"):
        assert needle in text, needle
    assert any(len(p.get("content", "")) >= 40_000 for p in DATA["petitions"])
    refs = [p["ref"] for p in DATA["petitions"]]
    assert len(refs) != len(set(refs)) and FOREIGN and MALFORMED


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """Runs the whole chain once; the tests below inspect what it left."""
    root = tmp_path_factory.mktemp("hostile")
    mp = pytest.MonkeyPatch()
    mp.setenv("PETITIONBOT_UPSTREAM_PASSWORD", PASSWORD)
    with start_simulator(DATA, port=0) as sim, MailCatcher() as catcher:
        cfg = root / "petitionbot.toml"
        localities = [p["locality"] for p in DATA["petitions"]]
        write_config(cfg, url=sim.url, username="yhjd01", extra=demo_config(localities, catcher.port))
        app = App(config.load(cfg), as_of=date(2026, 12, 1))
        runs = {"intake": wiring.run_intake(app, sign=True).run}
        runs["analysis"], _ = wiring.run_analysis(app)
        runs["ledger"], ledger_result = wiring.run_ledger(app)
        runs["letters"] = wiring.run_letters(app, pdf=False).run  # converted below, all files in one LibreOffice call
        runs["reminders"], reminder_result = wiring.run_reminders(app, now=True)
        messages = list(catcher.messages)
    yield {"app": app, "runs": runs, "messages": messages, "root": root, "reminders": reminder_result}
    mp.undo()


def outputs(app, *exts: str) -> list[Path]:
    """The files the bot wrote (the downloaded attachments are the petitioners' own files, not outputs)."""
    attachments = app.workdir / "attachments"
    return sorted(p for ext in exts for p in app.workdir.rglob(f"*{ext}")
                  if p.is_file() and "~$" not in p.name and not p.is_relative_to(attachments))


def all_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def test_every_run_of_the_chain_ends_with_a_clear_status(chain):
    runs = chain["runs"]
    assert runs["intake"].status == "partial" and runs["intake"].counts.failed == len(MALFORMED)
    for name in ("analysis", "ledger", "letters", "reminders"):
        assert runs[name].status in ("ok", "partial"), (name, runs[name].status, runs[name].message)


def test_the_store_has_every_valid_petition_once_and_the_malformed_ones_quarantined(chain):
    store = chain["app"].store
    assert store.refs() == VALID  # refs are the primary key: once each; never another unit's item
    assert not (store.refs() & FOREIGN)
    quarantined = {q["ref"]: q["reason"] for q in store.quarantined()}
    assert set(quarantined) == set(MALFORMED)
    for ref, field in MALFORMED.items():
        assert field in quarantined[ref], (ref, quarantined[ref])
    dup = next(p for p in DATA["petitions"] if p["title"] == "重复编号第一件")["ref"]
    assert store.get(dup).title == "重复编号第一件"


def test_text_is_kept_literally_and_cleaned_of_invisible_characters(chain):
    store = chain["app"].store
    for p in DATA["petitions"]:
        if p["ref"] not in VALID or p["title"] in ("重复编号第二件",):
            continue
        stored = store.get(p["ref"])
        for text in (stored.title, stored.content, stored.demand):
            assert not any(ch in text for ch in "\x00\x07\x1b\u202e\u200b\ufeff"), p["ref"]
        if "{{ 7*7 }}" in p["content"]:
            assert "{{ 7*7 }}" in stored.content
    long = next(p for p in DATA["petitions"] if p["content"] == "长" * 40_000)
    assert len(store.get(long["ref"]).content) == 40_000
    for p in store.petitions():
        for a in p.attachments:
            if a.path:
                full = (chain["app"].workdir / a.path).resolve()
                assert full.is_relative_to((chain["app"].workdir / "attachments").resolve())
                assert a.name.upper().split(".")[0] not in ("CON", "NUL", "COM1", "LPT9", "AUX", "PRN")


def test_every_output_file_opens_and_no_template_from_data_was_executed(chain):
    files = outputs(chain["app"], ".xlsx", ".docx")
    assert any(f.suffix == ".xlsx" for f in files) and any(f.suffix == ".docx" for f in files)
    seen_template = False
    for f in files:
        text = all_text(f)  # raises if openpyxl / python-docx cannot open it
        for mark in EXECUTED:
            assert mark not in text, (f.name, mark)
        seen_template |= "{{ 7*7 }}" in text
    assert seen_template, "the template text from the data should appear literally somewhere"
    letters_written = [f for f in files if f.suffix == ".docx" and "letters" in f.parts]
    assert letters_written, "letters drafted no .docx"


def test_formula_looking_text_is_stored_as_text_in_the_ledger(chain):
    ledgers = [f for f in outputs(chain["app"], ".xlsx") if "台账" in f.name]
    assert ledgers
    checked = 0
    for path in ledgers:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value[:1] in "=+-@" and any(m in c.value for m in FORMULA_MARKS):
                        assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                        checked += 1
                    if c.data_type == "f":
                        assert not any(m in str(c.value) for m in FORMULA_MARKS), (ws.title, c.coordinate, c.value)
    assert checked >= 5, "the ledger should show the hostile titles as text"


def test_every_output_file_converts_with_libreoffice(chain):
    files = outputs(chain["app"], ".xlsx", ".docx")
    soffice = find_soffice()
    assert soffice, "LibreOffice is required for this test"
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        # One LibreOffice start for every file; same-named files go to separate folders.
        copies = []
        for i, f in enumerate(files):
            d = Path(out) / "in" / f"{i:03d}"
            d.mkdir(parents=True)
            copies.append(d / f.name)
            copies[-1].write_bytes(f.read_bytes())
        proc = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               "--convert-to", "pdf", "--outdir", str(Path(out) / "pdf"), *map(str, copies)],
                              capture_output=True, text=True, timeout=600, check=False)
        pdfs = {p.name for p in (Path(out) / "pdf").glob("*.pdf") if p.stat().st_size > 0}
        missing = {c.stem + ".pdf" for c in copies} - pdfs
        assert not missing, (missing, proc.stderr[-500:])


def test_mails_carry_no_executed_template_and_no_id_or_phone(chain):
    messages = chain["messages"]
    assert messages, "the reminders sent nothing"
    for msg in messages:
        body = msg.get_body(preferencelist=("plain", "html"))
        text = str(msg["Subject"]) + (body.get_content() if body else "")
        for mark in EXECUTED:
            assert mark not in text
        assert "330110198001010018" not in text and "13905710001" not in text
