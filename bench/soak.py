"""Soak benchmark: a 5,000-petition intake with browser-context recycling; resident
memory over time must stay flat.

The simulator runs in this (parent) process; the intake runs in a child process (the bot) so
that its memory is its own. The parent samples, with psutil, the bot process's RSS and,
separately, the summed RSS of its Chromium children, every ``--every`` seconds, prints the
series and a verdict: flat when the mean of the last quarter of the run is within 15 % of the
mean of the second quarter (the first quarter is warm-up: imports, browser start, login).

Usage: python bench/soak.py [--count 5000] [--recycle-every 200] [--latency 0] [--attachment-kb 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TOLERANCE = 0.15


def child(cfg: str) -> None:
    from petitionbot import config, logs, wiring
    from petitionbot.app import App

    logs.setup("WARNING")
    app = App(config.load(cfg))
    t0 = time.perf_counter()
    run = wiring.run_intake(app).run
    print(json.dumps({"seconds": time.perf_counter() - t0, "status": run.status, "new": run.counts.new,
                      "failed": run.counts.failed, "stored": len(app.store.refs())}))


def rss_mb(proc: psutil.Process) -> tuple[float, float]:
    """(bot process RSS, the browser side's memory) in MB. The browser side is the Playwright
    driver and every Chromium process under the bot, summed as PSS (proportional set size):
    summed RSS would count the pages Chromium's processes share once per process."""
    try:
        bot = proc.memory_info().rss
    except psutil.Error:
        return 0.0, 0.0
    browser = 0
    for c in proc.children(recursive=True):
        try:
            info = c.memory_full_info()
            browser += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return bot / 2**20, browser / 2**20


def quarters(values: list[float]) -> tuple[float, float]:
    n = len(values)
    q2 = values[n // 4: n // 2] or values
    q4 = values[3 * n // 4:] or values
    return sum(q2) / len(q2), sum(q4) / len(q4)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--recycle-every", type=int, default=200)
    ap.add_argument("--latency", type=int, default=0)
    ap.add_argument("--attachment-kb", type=int, default=2)
    ap.add_argument("--every", type=float, default=5.0, help="sampling interval, seconds")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return 0
    from petitionbot.commands.demo import write_config
    from petitionbot.sim import start_simulator
    from petitionbot.sim.generate import generate

    # Enough items that the bot's own unit gets at least --count (about 1 in 30 go elsewhere).
    dataset = generate(count=int(args.count * 1.04) + 10, seed=11, hostile_share=0,
                       attachment_size=args.attachment_kb * 1024)
    unit, user = dataset["units"][0], dataset["units"][0]["users"][0]
    mine = [p for p in dataset["petitions"] if p.get("assigned_to") == unit["code"]]
    others = [p for p in dataset["petitions"] if p.get("assigned_to") != unit["code"]]
    dataset["petitions"] = mine[: args.count] + others
    with tempfile.TemporaryDirectory() as tmp, start_simulator(dataset) as sim:
        sim.admin.set_knobs(latency_ms=args.latency)
        cfg = Path(tmp) / "petitionbot.toml"
        write_config(cfg, url=sim.url, username=user["username"])
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(
            "[upstream]\n", f"[upstream]\nrecycle_every = {args.recycle_every}\n"), encoding="utf-8")
        env = {**os.environ, "PETITIONBOT_UPSTREAM_PASSWORD": user["password"]}
        print(f"soak: {min(len(mine), args.count)} petitions for {unit['code']}, recycle_every "
              f"{args.recycle_every}, {args.attachment_kb} KB attachment each, latency {args.latency} ms", flush=True)
        print(f"{'t (s)':>7} {'bot RSS MB':>11} {'browser PSS MB':>16}", flush=True)
        proc = subprocess.Popen([sys.executable, __file__, "--child", str(cfg)], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ps = psutil.Process(proc.pid)
        samples: list[tuple[float, float, float]] = []
        stderr: list[str] = []
        threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True).start()  # type: ignore[arg-type]
        t0 = time.monotonic()
        while proc.poll() is None:
            bot, browser = rss_mb(ps)
            if bot and browser:
                t = time.monotonic() - t0
                samples.append((t, bot, browser))
                print(f"{t:7.0f} {bot:11.0f} {browser:16.0f}", flush=True)
            time.sleep(args.every)
        out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        print("bot failed:\n" + "".join(stderr[-40:]))
        return 1
    result = json.loads(out.strip().splitlines()[-1])
    print(f"intake: {result['status']}, new {result['new']}, failed {result['failed']}, stored {result['stored']}, "
          f"{result['seconds']:.0f} s ({result['new'] / result['seconds']:.1f} petitions/s)")
    verdicts = []
    for name, idx in (("bot process", 1), ("browser (PSS)", 2)):
        values = [s[idx] for s in samples]
        q2, q4 = quarters(values)
        change = (q4 - q2) / q2 if q2 else 0.0
        flat = abs(change) <= TOLERANCE
        verdicts.append(flat)
        print(f"{name:18}: peak {max(values):.0f} MB, 2nd-quarter mean {q2:.0f} MB, last-quarter mean {q4:.0f} MB "
              f"({change:+.1%}) -> {'FLAT' if flat else 'GROWING'} (tolerance {TOLERANCE:.0%})")
    print("verdict: " + ("memory stays flat" if all(verdicts) else "memory is NOT flat"))
    return 0 if all(verdicts) else 2


if __name__ == "__main__":
    sys.exit(main())
