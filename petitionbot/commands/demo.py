"""``petitionbot demo``: the whole chain against the built-in simulator, in a fresh folder.

Generates a dataset, starts the simulator on a free loopback port, writes a config for it,
then runs every flow end to end (headless) and prints where everything is, in Chinese.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from loguru import logger

from petitionbot import config
from petitionbot.app import App

# Each step: (Chinese name, function(app, out_dir) -> list of Chinese result lines).
Step = Callable[[App, Path], list[str]]


def _intake(app: App, out: Path) -> list[str]:
    from petitionbot.commands.intake import intake, report

    run = intake(app, sign=True)
    return report(run).splitlines()


def _ledger(app: App, out: Path) -> list[str]:
    from petitionbot.commands.ledger import ledger, report

    run, result = ledger(app)
    return report(run, result).splitlines()


def _letters(app: App, out: Path) -> list[str]:
    from petitionbot.commands.letters import letters, report

    return report(letters(app)).splitlines()


def steps() -> list[tuple[str, Step]]:
    return [("取件并签收", _intake), ("台账", _ledger), ("起草文书", _letters)]


def register(top, run_flows) -> None:  # noqa: ARG001
    p = top.add_parser("demo", help="演示：启动内置模拟系统，完整跑一遍取件、台账、文书、催办和分析")
    p.add_argument("--out", help="演示输出目录（默认 out/demo-日期时间）")
    p.add_argument("--count", type=int, default=60, help="模拟信访件数量（默认 60）")
    p.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")
    p.add_argument("--as-of", dest="as_of", help="把“今天”固定为某日（默认取模拟数据最后交办日之后）")
    p.set_defaults(func=cli)


def write_config(path: Path, *, url: str, username: str, extra: str = "") -> None:
    path.write_text(
        "# 演示用配置（petitionbot demo 自动生成）\n"
        f'[upstream]\nurl = "{url}"\nusername = "{username}"\n\n'
        '[storage]\nworkdir = "work"\n' + extra,
        encoding="utf-8",
    )


def cli(args: argparse.Namespace) -> int:
    from petitionbot.sim import start_simulator
    from petitionbot.sim.generate import generate

    out = Path(args.out or f"out/demo-{datetime.now():%Y%m%d-%H%M%S}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    dataset = generate(count=args.count, seed=args.seed)
    (out / "dataset.json").write_text(json.dumps(dataset, ensure_ascii=False, indent=1), encoding="utf-8")
    unit = dataset["units"][0]
    user = unit["users"][0]
    sim = start_simulator(dataset, port=0, admin_token=secrets.token_hex(8))
    try:
        cfg = out / "petitionbot.toml"
        write_config(cfg, url=sim.url, username=user["username"])
        os.environ["PETITIONBOT_UPSTREAM_PASSWORD"] = user["password"]
        settings = config.load(cfg)
        last = max((date.fromisoformat(p["assigned_on"]) for p in dataset["petitions"]
                    if isinstance(p.get("assigned_on"), str) and _iso(p["assigned_on"])), default=date.today())
        as_of = date.fromisoformat(args.as_of) if args.as_of else last
        app = App(settings, as_of=as_of, trigger="demo")
        print(f"演示开始：模拟系统 {sim.url}，{len(dataset['petitions'])} 件模拟信访件，“今天”= {as_of}")
        for name, step in steps():
            print(f"\n【{name}】")
            try:
                for line in step(app, out):
                    print("  " + line)
            except Exception as exc:  # noqa: BLE001 - the demo reports a failed step and goes on
                logger.exception("演示步骤失败：{}", name)
                print(f"  失败：{exc}")
        print(f"\n全部输出在：{out}\n  配置：{cfg}\n  工作目录：{settings.workdir}")
    finally:
        sim.stop()
    return 0


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False
