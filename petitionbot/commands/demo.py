"""``petitionbot demo``: the whole chain against the built-in simulators, in a fresh folder.

Generates two datasets, starts both upstream simulators side by side on free loopback ports
(the district's petition system and the 12345 hotline's work-order platform), writes a config,
then runs every flow end to end (headless): petitions and work orders end up in one store, one
ledger, with letters and reminders for both. Prints where everything is, in Chinese.
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

from petitionbot import config, wiring
from petitionbot.app import App
from petitionbot.mailcatcher import MailCatcher

DISTRICT_LABEL, HOTLINE_LABEL = "区信访系统", "12345热线"

# Each step: (Chinese name, function(app, out_dir) -> list of Chinese result lines).
Step = Callable[[App, Path], list[str]]


def _intake(app: App, out: Path) -> list[str]:
    from petitionbot.commands.intake import report

    return report(wiring.run_intake(app, sign=True).run).splitlines()


def _ledger(app: App, out: Path) -> list[str]:
    from petitionbot.commands.ledger import report

    done = wiring.run_ledger(app)
    return report(done.run, done.value).splitlines()


def _letters(app: App, out: Path) -> list[str]:
    from petitionbot.commands.letters import report

    return report(wiring.run_letters(app).run).splitlines()


def _reminders(app: App, out: Path, catcher: MailCatcher | None = None) -> list[str]:
    done = wiring.run_reminders(app, now=True)
    run, result = done.run, done.value
    lines = [f"需提醒 {len(result.items)} 项，生成消息 {len(result.queued)} 条，发出 {result.sent} 条，"
             f"失败 {result.failed} 条"]
    mails = catcher.messages if catcher else []
    shown = [m for m in mails if "超期清单" in str(m["Subject"])] + [m for m in mails[:4]]
    for msg in shown:
        files = [part.get_filename() for part in msg.iter_attachments()]
        lines.append(f"  邮件 → {msg['To']}：{msg['Subject']}" + (f"（附件：{'、'.join(files)}）" if files else ""))
    if len(mails) > len(shown):
        lines.append(f"  ……共 {len(mails)} 封邮件由本机模拟邮局接收")
    lines += [f"输出：{p}" for p in run.outputs if "超期" in Path(p).name]
    lines += [f"注意：{w}" for w in run.warnings[:5]]
    return lines


def _analysis(app: App, out: Path) -> list[str]:
    from petitionbot.commands.analysis import describe

    done = wiring.run_analysis(app)
    return describe(done.run, done.value).splitlines()


def _report(app: App, out: Path) -> list[str]:
    files = wiring.run_report(app, month=f"{app.clock.today():%Y-%m}").value
    return [f"月度报告：{files.docx}", f"统计数据：{files.xlsx}"]


def steps(catcher: MailCatcher | None = None) -> list[tuple[str, Step]]:
    return [("取件并签收（信访件与热线工单）", _intake), ("智能分析（重复件、群体预警、分类建议）", _analysis), ("台账", _ledger),
            ("起草文书", _letters), ("催办提醒与超期清单", lambda app, out: _reminders(app, out, catcher)),
            ("月度统计报告", _report)]


def demo_config(localities: list[str], smtp_port: int) -> str:
    """Routing by locality and one mailbox per unit, so the demo's reminders have somewhere to go."""
    units = {loc: loc + ("居委会" if loc.endswith("社区") else "村委会") for loc in sorted(set(localities))}
    lines = ["\n[ledger.routing]\ndefault_unit = \"综治办\"\n[ledger.routing.by_locality]"]
    # json.dumps gives a valid TOML basic string for any text (quotes, backslashes, control characters).
    lines += [f"{json.dumps(loc, ensure_ascii=False)} = {json.dumps(unit, ensure_ascii=False)}" for loc, unit in units.items()]
    lines += ["\n[reminders]", 'supervisors = [{ name = "信访办主任", email = "zhuren@demo.invalid" }]',
              f'\n[reminders.smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\nsender = "xfb@demo.invalid"']
    for n, unit in enumerate([*units.values(), "综治办"], 1):
        lines.append(f'\n[reminders.units.{json.dumps(unit, ensure_ascii=False)}]\nemail = ["unit{n:02d}@demo.invalid"]\n'
                     f'leader = {{ name = "分管领导", email = "leader{n:02d}@demo.invalid" }}')
    return "\n".join(lines) + "\n"


def register(top, run_flows) -> None:  # noqa: ARG001
    p = top.add_parser("demo", help="演示：启动内置模拟系统，完整跑一遍取件、台账、文书、催办和分析")
    p.add_argument("--out", help="演示输出目录（默认 out/demo-日期时间）")
    p.add_argument("--count", type=int, default=60, help="模拟信访件数量（默认 60）")
    p.add_argument("--orders", type=int, default=30, help="模拟热线工单数量（默认 30；0 = 不启动热线模拟平台）")
    p.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")
    p.add_argument("--as-of", dest="as_of", help="把“今天”固定为某日（默认取模拟数据最后交办日之后）")
    p.set_defaults(func=cli)


def write_config(path: Path, *, url: str = "", username: str = "", upstreams: list[tuple[str, str, str]] | None = None,
                 extra: str = "") -> None:
    """One ``[[upstream]]`` entry per (site, url, username) in ``upstreams``, named after its site;
    without ``upstreams``, the single ``[upstream]`` table for ``url`` and ``username``."""
    if upstreams:
        entries = "".join(f'[[upstream]]\nname = "{site}"\nsite = "{site}"\nurl = "{u}"\nusername = "{user}"\n\n'
                          for site, u, user in upstreams)
    else:
        entries = f'[upstream]\nurl = "{url}"\nusername = "{username}"\n\n'
    path.write_text("# 演示用配置（petitionbot demo 自动生成）\n" + entries + '[storage]\nworkdir = "work"\n' + extra,
                    encoding="utf-8")


def cli(args: argparse.Namespace) -> int:
    from petitionbot.sim import start_simulator
    from petitionbot.sim.generate import generate
    from petitionbot.sim.hotline import start_hotline
    from petitionbot.sim.hotline.generate import generate_orders

    out = Path(args.out or f"out/demo-{datetime.now():%Y%m%d-%H%M%S}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    dataset = generate(count=args.count, seed=args.seed)
    (out / "dataset.json").write_text(json.dumps(dataset, ensure_ascii=False, indent=1), encoding="utf-8")
    unit = dataset["units"][0]
    user = unit["users"][0]
    last = max((date.fromisoformat(p["assigned_on"]) for p in dataset["petitions"]
                if isinstance(p.get("assigned_on"), str) and _iso(p["assigned_on"])), default=date.today())
    as_of = date.fromisoformat(args.as_of) if args.as_of else last
    # The work orders of the same weeks, so both kinds are due, late and closed side by side.
    orders = generate_orders(args.orders, args.seed, today=as_of, days=20) if args.orders > 0 else None
    if orders is not None:
        (out / "orders.json").write_text(json.dumps(orders, ensure_ascii=False, indent=1), encoding="utf-8")
    sim = start_simulator(dataset, port=0, admin_token=secrets.token_hex(8))
    hot_sim = start_hotline(orders, port=0, admin_token=secrets.token_hex(8)) if orders is not None else None
    catcher = MailCatcher().__enter__()
    saved: dict[str, str | None] = {}
    try:
        cfg = out / "petitionbot.toml"
        localities = [p["locality"] for p in dataset["petitions"] if isinstance(p.get("locality"), str)]
        localities += [o["locality"] for o in (orders or {}).get("orders", []) if isinstance(o.get("locality"), str)]
        upstreams = [("district", sim.url, user["username"])]
        _setenv(saved, "PETITIONBOT_UPSTREAM_DISTRICT_PASSWORD", user["password"])
        if hot_sim is not None and orders is not None:
            hot_user = orders["units"][0]["users"][0]
            upstreams.append(("hotline", hot_sim.url, hot_user["username"]))
            _setenv(saved, "PETITIONBOT_UPSTREAM_HOTLINE_PASSWORD", hot_user["password"])
        write_config(cfg, upstreams=upstreams, extra=demo_config(localities, catcher.port))
        settings = config.load(cfg)
        app = wiring.build_app(settings, as_of=as_of, trigger="demo")
        print(f"演示开始：{DISTRICT_LABEL}模拟系统 {sim.url}，{len(dataset['petitions'])} 件模拟信访件"
              + (f"；{HOTLINE_LABEL}模拟平台 {hot_sim.url}，{len(orders['orders'])} 件模拟工单" if hot_sim and orders else "")
              + f"；“今天”= {as_of}")
        for name, step in steps(catcher):
            print(f"\n【{name}】")
            try:
                for line in step(app, out):
                    print("  " + line)
            except Exception as exc:  # noqa: BLE001 - the demo reports a failed step and goes on
                logger.exception("演示步骤失败：{}", name)
                print(f"  失败：{exc}")
        print(f"\n全部输出在：{out}\n  配置：{cfg}\n  工作目录：{settings.workdir}")
        from petitionbot.console.demo_account import demo_account

        print("\n" + "\n".join(demo_account(settings, cfg, as_of)))
    finally:
        for key, value in saved.items():  # the passwords are the demo's own: leave the caller's environment as it was
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        catcher.__exit__(None, None, None)
        sim.stop()
        if hot_sim is not None:
            hot_sim.stop()
    return 0


def _setenv(saved: dict[str, str | None], key: str, value: str) -> None:
    saved.setdefault(key, os.environ.get(key))
    os.environ[key] = value


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False
