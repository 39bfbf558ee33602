"""Intake benchmark: 500 new petitions, one 200 KB attachment each, 30 ms latency.

Targets: full intake <= 30 s; >= 3x faster than the same robot at concurrency 1 (side by
side in this run); a rerun with nothing new <= 5 s; peak memory of the bot's own process
<= 300 MB. The simulator runs in this (parent) process; each intake runs in a child process
so its peak RSS is its own. Usage: python bench/intake.py [--count 500] [--latency 30]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(cfg: str, runs: int) -> None:
    """Run intake ``runs`` times in this process; print timings and peak RSS as JSON."""
    from petitionbot import config, logs, wiring
    from petitionbot.app import App

    logs.setup("WARNING")
    app = App(config.load(cfg))
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run = wiring.run_intake(app).run
        out.append({"seconds": time.perf_counter() - t0, "new": run.counts.new, "failed": run.counts.failed,
                    "unchanged": run.counts.unchanged, **run.extra["seconds"]})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"runs": out, "peak_mb": peak_mb}))


def measure(sim_url: str, user: str, password: str, concurrency: int, runs: int, tmp: Path, per_page: int = 2) -> dict:
    from petitionbot.commands.demo import write_config

    folder = Path(tempfile.mkdtemp(dir=tmp))
    cfg = folder / "petitionbot.toml"
    write_config(cfg, url=sim_url, username=user)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[upstream]\n", f"[upstream]\nconcurrency = {concurrency}\ndetails_per_page = {per_page}\n"),
                   encoding="utf-8")
    env = {**os.environ, "PETITIONBOT_UPSTREAM_PASSWORD": password}
    proc = subprocess.run([sys.executable, __file__, "--child", str(cfg), "--runs", str(runs)], env=env,
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--latency", type=int, default=30)
    ap.add_argument("--attachment-kb", type=int, default=200)
    ap.add_argument("--child")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.runs)
        return
    from petitionbot.sim import start_simulator
    from petitionbot.sim.generate import generate

    dataset = generate(count=args.count, seed=7, hostile_share=0, attachment_size=args.attachment_kb * 1024)
    unit = dataset["units"][0]
    user = unit["users"][0]
    with tempfile.TemporaryDirectory() as tmp, start_simulator(dataset) as sim:
        sim.admin.set_knobs(latency_ms=args.latency)
        mine = sum(1 for p in dataset["petitions"] if p.get("assigned_to") == unit["code"])
        print(f"intake bench: {mine} petitions for {unit['code']}, {args.attachment_kb} KB attachment each, "
              f"{args.latency} ms latency")
        fast = measure(sim.url, user["username"], user["password"], 4, 2, Path(tmp))
        slow = measure(sim.url, user["username"], user["password"], 1, 1, Path(tmp), per_page=1)
    full, rerun = fast["runs"]
    seq = slow["runs"][0]
    print(f"default (4 pages x 2 details): full intake {full['seconds']:6.1f} s  (new {full['new']}, "
          f"failed {full['failed']})  target <= 30 s")
    print(f"concurrency 1 (1 page, 1 detail at a time): full intake {seq['seconds']:6.1f} s  (new {seq['new']})")
    print(f"speed-up      : {seq['seconds'] / full['seconds']:6.2f} x  target >= 3 x")
    print(f"rerun, nothing new: {rerun['after_login']:6.2f} s after login  target <= 5 s  "
          f"(whole run incl. browser start and session check: {rerun['seconds']:.2f} s)")
    print(f"phases, full run: login {full['login']:.2f} s, list {full['list']:.2f} s, "
          f"list+fetch+store {full['after_login']:.2f} s")
    print(f"peak RSS of the bot process: {fast['peak_mb']:.0f} MB (concurrency 4), {slow['peak_mb']:.0f} MB "
          f"(concurrency 1)  target <= 300 MB")


if __name__ == "__main__":
    main()
