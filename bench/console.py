"""Benchmark of the 信访工作台 with 100,000 petitions (issue 15). Prints figures and ratios.

    .venv/bin/python bench/console.py [--petitions 100000] [--concurrency 10] [--requests 300]

A store of N petitions over two years (30 units, 17 categories, two sources, most older items
closed, 5 % repeats and 2 % suspected repeats from the analysis), the console started as a clerk
would (``petitionbot console`` in its own process, a real uvicorn), and a real HTTP client (httpx)
at the given concurrency, logged in as a clerk. Timed per request, end to end:

  list     the 信访件 list with a random filter combination (deadline status, unit, category,
           source, status, repeat, a date range, a page further down)   target p95 <= 300 ms
  search   the list with a text search (kept in the session)          (reported against 300 ms)
  detail   a random petition's page (deadline explanation, history, audit row written)  <= 300 ms
  today    the 今日 dashboard                                             target p95 <= 500 ms
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"list": 300.0, "search": 300.0, "detail": 300.0, "today": 500.0}
UNITS = [f"{name}{kind}" for name in ("永福", "凤新", "荆山", "金星", "南渠", "城东", "通济", "宝塔", "新城", "华丰")
         for kind in ("村", "社区", "办")]
CATEGORIES = ["政法", "科技与信息产业", "纪检监察", "党务政务", "国土资源", "教育文体", "劳动和社会保障", "城乡建设",
              "农村农业", "卫生计生", "环境保护", "交通运输", "民政", "经济管理", "商贸旅游", "组织人事", "其他"]
STATUSES = ["待签收", "已签收待办理", "待办理", "已受理待送达", "已办结"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TODAY = date(2026, 11, 20)
PASSWORD = "Bench#console-2026"


def petition(i: int):
    from core.model import Petition, Petitioner

    rnd = random.Random(i)
    received = TODAY - timedelta(days=int(rnd.random() ** 1.5 * 730))
    unit = rnd.choice(UNITS)
    old = (TODAY - received).days > 45
    clerk = {"handling_status": "办理中"}
    if old and rnd.random() < 0.93:  # the office closes most items; a few old ones are late
        clerk = {"decision": "受理", "accepted_on": (received + timedelta(days=3)).isoformat(),
                 "handling_status": "已办结", "closed_on": (received + timedelta(days=rnd.randint(10, 40))).isoformat()}
    name = rnd.choice(SURNAMES) + rnd.choice("建国秀英伟芳敏静丽强磊军洋勇艳杰娟涛明超")
    cat = rnd.choice(CATEGORIES)
    return Petition(
        ref=f"{'YH' if i % 5 else 'RX'}{received.year}{i:07d}", title=f"反映{unit}{cat}方面的问题（第{i % 97}号）",
        form=rnd.choice(("来信", "来访", "网上信访", "电话")), received_on=received,
        assigned_on=received + timedelta(days=1), assigned_to="YH-JD", assigning_office="余杭区信访局",
        handover_no=f"余信交〔{received.year}〕{i}号",
        petitioners=[Petitioner(name, "330110198001010018", f"139{i % 100000000:08d}", f"{unit}{i % 9}组")],
        headcount=1 + (i % 11 == 0) * 6, locality=unit, purpose=rnd.choice(("求决", "申诉", "建议意见", "检举控告")),
        category=cat, content=f"{name}反映：{unit}{cat}问题长期得不到解决，群众意见较大，" * 3,
        demand="要求尽快解决并书面答复。", status="已办结" if "closed_on" in clerk else rnd.choice(STATUSES[:4]),
        source="district" if i % 5 else "hotline", responsible_unit=unit, clerk=clerk)


def build(workdir: Path, n: int) -> tuple[Path, dict[str, float]]:
    from flows.store.console import ConsoleStore
    from petitionbot import config
    from petitionbot.app import App
    from petitionbot.console import index, passwords

    cfg = workdir / "petitionbot.toml"
    cfg.write_text(f'[storage]\nworkdir = "{(workdir / "work").as_posix()}"\n[console]\npage_size = 50\n',
                   encoding="utf-8")
    app = App(config.load(cfg))
    store = app.store
    timings = {}
    t0 = time.perf_counter()
    with store.transaction():  # bulk seed: one transaction, not 100,000
        for i in range(n):
            p = petition(i)
            # Two years of nightly intakes saw each petition the night after its assignment
            # (otherwise all 100,000 would be "new since last night").
            night = p.assigned_on + timedelta(days=1)
            store.insert(p, run_id=None, source=p.source, at=datetime(night.year, night.month, night.day, 2, 1))
    timings["seed"] = time.perf_counter() - t0
    rows = []
    for i in range(n):
        r = i % 100
        if r < 7:
            rows.append({"ref": petition(i).ref, "is_repeat": int(r < 5), "repeat_tier": "重件" if r < 5 else "疑似重件",
                         "repeat_of": petition(max(0, i - 100)).ref, "repeat_why": "同一信访人，诉求相同"})
    store.replace_analysis(rows, [{"id": f"G{k}", "kind": "group", "day": TODAY.isoformat(), "refs": [petition(k).ref],
                                  "localities": [UNITS[k]], "explanation": f"{UNITS[k]}近 7 天同类信访 {5 + k} 件",
                                      "pairs": []} for k in range(3)], run_id=None, at=datetime.now())
    cstore = ConsoleStore(store)
    cstore.add_account("bench", role="clerk", password_hash=passwords.hash_password(PASSWORD), display_name="测试",
                       now=datetime.now())
    t0 = time.perf_counter()
    index.refresh(cstore, app.settings.deadlines)
    timings["index"] = time.perf_counter() - t0
    cstore.close()
    store.close()
    return cfg, timings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cfg: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, PETITIONBOT_AS_OF=TODAY.isoformat(), PETITIONBOT_CONSOLE_SECRET="b" * 48)
    proc = subprocess.Popen([sys.executable, "-m", "petitionbot", "console", "--config", str(cfg), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # the command prints its address once it listens
        if "信访工作台已启动" in line:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return proc
    raise SystemExit(f"console did not start (exit {proc.wait()})")


def login(base: str):
    import httpx

    c = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.text[:300]
    return c


def list_url(rnd: random.Random) -> str:
    params = {}
    for key, values in (("deadline", ["overdue", "due_soon", "on_track", "closed"]), ("unit", UNITS),
                        ("category", CATEGORIES), ("source", ["district", "hotline"]), ("status", STATUSES),
                        ("repeat", ["repeat", "suspected"])):
        if rnd.random() < 0.35:
            params[key] = rnd.choice(values)
    if rnd.random() < 0.3:
        start = TODAY - timedelta(days=rnd.randint(30, 600))
        params["from"], params["to"] = start.isoformat(), (start + timedelta(days=rnd.randint(7, 120))).isoformat()
    if not params or rnd.random() < 0.3:
        params["page"] = str(rnd.randint(1, 40))
    from urllib.parse import urlencode

    return "/petitions?" + urlencode(params)


def run(base: str, kind: str, count: int, concurrency: int, refs: list[str]) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    per = -(-count // concurrency)

    def worker(k: int) -> None:
        rnd = random.Random(k * 7919 + len(kind))
        c = login(base)
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text).group(1)
        words = ["道路", "城乡建设", "永福村", "噪音", "书面答复", "王建国", "第13号"]
        for _ in range(per):
            if kind == "search":
                c.post("/petitions/search", data={"q": rnd.choice(words), "csrf_token": token})
                url = list_url(rnd) if rnd.random() < 0.5 else "/petitions"
            else:
                url = {"list": lambda: list_url(rnd), "detail": lambda: f"/petitions/{rnd.choice(refs)}",
                       "today": lambda: "/"}[kind]()
            t0 = time.perf_counter()
            r = c.get(url)
            ms = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, (url, r.status_code)
            with lock:
                times.append(ms)
        c.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--petitions", type=int, default=100_000)
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--requests", type=int, default=300, help="requests per kind")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cfg, timings = build(Path(tmp), args.petitions)
        print(f"store: {args.petitions} petitions seeded in {timings['seed']:.1f} s, console index built in "
              f"{timings['index']:.1f} s (total setup {time.perf_counter() - t0:.1f} s)")
        refs = [petition(i).ref for i in random.Random(1).sample(range(args.petitions), 2000)]
        port = free_port()
        proc = start_server(cfg, port)
        base = f"http://127.0.0.1:{port}"
        try:
            run(base, "today", args.concurrency, args.concurrency, refs)  # warm-up: templates, caches
            results = {}
            for kind in ("list", "search", "detail", "today"):
                times = run(base, kind, args.requests, args.concurrency, refs)
                results[kind] = times
        finally:
            proc.terminate()
            proc.wait(30)
    print(f"concurrency {args.concurrency}, {args.requests} requests per kind, real uvicorn in its own process, httpx")
    print(f"{'page':<8}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'target':>9}{'p95/target':>12}")
    for kind, times in results.items():
        q = p95(times)
        print(f"{kind:<8}{len(times):>5}{statistics.median(times):>9.0f}{q:>9.0f}{max(times):>9.0f}"
              f"{TARGETS[kind]:>9.0f}{q / TARGETS[kind]:>12.2f}")
    print(json.dumps({k: round(p95(v), 1) for k, v in results.items()}))


if __name__ == "__main__":
    main()
