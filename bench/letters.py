"""Letters benchmark: compile-once rendering against docxtpl loading the template per letter.

    .venv/bin/python bench/letters.py [--n 1000]

Prints three figures, all for the same 交办单 with the same contexts, measured in one run:
  naive   DocxTemplate(path).render(ctx) + save, per letter (what a straightforward use does)
  fast    the compiled template (flows.letters.docx_adapter) rendering and writing each file
  flow    draft_letters end to end on a SQLite store: rules, context, fingerprint, render,
          atomic write, hash, one row per letter
Target: 1,000 letters <= 10 s, and fast >= 2x naive.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docxtpl import DocxTemplate  # noqa: E402 - the baseline being measured

from core.clock import FixedClock  # noqa: E402
from core.model import Petition, Petitioner  # noqa: E402
from flows.letters.context import petition_context  # noqa: E402
from flows.letters.engine import make_env  # noqa: E402
from flows.letters.files import atomic_write  # noqa: E402
from flows.letters.flow import Drafter, draft_letters, ledger_notes  # noqa: E402
from flows.letters.settings import BUILTIN_TEMPLATES  # noqa: E402
from flows.runs import Run  # noqa: E402
from flows.store.sqlite import SqliteStore  # noqa: E402
from petitionbot.config import Settings  # noqa: E402
from petitionbot.hooks import letter_setup  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def petitions(n: int) -> list[Petition]:
    out = []
    for i in range(n):
        people = [Petitioner(name=SURNAMES[(i + k) % 20] + "建国秀英"[k % 4], phone=f"139057{i:05d}",
                             address=f"永福村{i % 9 + 1}组") for k in range(1 + i % 3)]
        out.append(Petition(
            ref=f"YH2026{i:06d}", title=f"反映道路破损问题（第{i}件）", form="来信",
            received_on=date(2026, 11, 2) + timedelta(days=i % 20), assigned_on=date(2026, 11, 3),
            assigning_office="余杭区信访局", handover_no=f"余信交〔2026〕{i}号", petitioners=people,
            headcount=len(people), locality="永福村", purpose="求决", category="城乡建设",
            content="道路破损严重，雨天积水。\n群众出行不便。" * 3, demand="要求尽快修复。",
            responsible_unit="城建办"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    n = ap.parse_args().n
    settings = Settings()
    kind, template = "交办单", BUILTIN_TEMPLATES / "交办单.docx"
    items = petitions(n)
    contexts = [petition_context(p, "unit", settings.letters, office=settings.office, today=date(2026, 11, 5))
                for p in items]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        gc.collect()
        t0 = time.perf_counter()
        for i, ctx in enumerate(contexts):
            doc = DocxTemplate(template)
            doc.render(ctx, jinja_env=make_env(), autoescape=True)
            buf = io.BytesIO()
            doc.save(buf)
            atomic_write(out / "naive" / f"{i}.docx", buf.getvalue())
        naive = time.perf_counter() - t0

        gc.collect()  # start each measurement without the previous one's garbage
        t0 = time.perf_counter()
        compiled = Drafter(settings.letters, BUILTIN_TEMPLATES).template(kind)
        for i, ctx in enumerate(contexts):
            atomic_write(out / "fast" / f"{i}.docx", compiled.render(ctx))
        fast = time.perf_counter() - t0

        settings = letter_setup(Settings.model_validate({"storage": {"workdir": str(out / "work")}}))
        store = SqliteStore(out / "work" / "petitionbot.db")
        for p in items:
            store.insert(p, run_id=None, source="upstream")
        clock = FixedClock(date(2026, 11, 5))
        run = Run.start("letters", out / "runs", clock)
        gc.collect()
        t0 = time.perf_counter()
        drafted = draft_letters(store, settings, clock, run)
        flow = time.perf_counter() - t0
        t0 = time.perf_counter()
        draft_letters(store, settings, clock, Run.start("letters", out / "runs", clock))
        rerun = time.perf_counter() - t0
        store.close()
        assert len(drafted) == n and run.counts.failed == 0

    # The ledger asks the letters, for every row of every sync, which letters are still 待补全.
    notes = ledger_notes(letter_setup(Settings()), today=date(2026, 11, 5))
    gc.collect()
    t0 = time.perf_counter()
    for p in items:
        notes(p)
    pending_check = time.perf_counter() - t0

    per = 1000 / n
    print(f"letters: {n} x {kind}")
    print(f"  naive (DocxTemplate per letter): {naive:6.2f} s   {naive * per:6.2f} s per 1,000")
    print(f"  fast  (compiled once)          : {fast:6.2f} s   {fast * per:6.2f} s per 1,000   "
          f"{naive / fast:4.1f}x faster than naive")
    print(f"  flow  (draft_letters, store)   : {flow:6.2f} s   {flow * per:6.2f} s per 1,000   "
          f"{naive / flow:4.1f}x faster than naive")
    print(f"  re-run, nothing changed        : {rerun:6.2f} s   {rerun * per:6.2f} s per 1,000")
    print(f"  ledger's 待补全 check           : {pending_check:6.2f} s   {pending_check * per * 100:6.2f} s per 100,000 rows")
    ok = flow * per <= 10 and naive / flow >= 2
    print("target (<= 10 s per 1,000 and >= 2x naive):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
