"""``petitionbot sim hotline serve`` and ``petitionbot sim hotline generate``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

from petitionbot.sim.cli import _stop


def register(sim_subparsers: Any) -> None:
    """Add ``hotline`` under ``petitionbot sim``."""
    hotline = sim_subparsers.add_parser("hotline", help="12345 热线工单平台模拟器（演示和测试用）")
    sub = hotline.add_subparsers(dest="hotline_command", metavar="子命令", parser_class=type(hotline))
    sub.required = True

    serve = sub.add_parser("serve", help="启动热线工单平台模拟网站")
    serve.add_argument("--dataset", required=True, help="工单数据集 JSON 文件")
    serve.add_argument("--port", type=int, default=8766, help="端口（默认 8766；0 表示任选空闲端口）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只允许本机访问）")
    serve.add_argument("--idle-minutes", type=float, default=30, help="会话空闲多少分钟后过期（默认 30）")
    serve.add_argument("--admin-token", help="管理接口令牌（默认随机生成并打印）")
    serve.add_argument("--seed", type=int, default=0, help="故障注入随机数种子")
    serve.add_argument("--page-size", type=int, default=10, help="列表每页条数（默认 10）")
    serve.set_defaults(func=_serve)

    gen = sub.add_parser("generate", help="生成模拟热线工单数据集")
    gen.add_argument("--count", type=int, required=True, help="工单数量")
    gen.add_argument("--seed", type=int, default=0, help="随机数种子（相同种子生成相同数据）")
    gen.add_argument("--out", required=True, help="输出 JSON 文件")
    gen.add_argument("--hostile-share", type=float, default=0.05, help="含恶意内容的比例（0 到 1，默认 0.05）")
    gen.add_argument("--days", type=int, default=30, help="派单时间分布在最近多少天（默认 30）")
    gen.set_defaults(func=_generate)


def _serve(args: argparse.Namespace) -> int:
    from petitionbot.sim.hotline import build_hotline

    path = Path(args.dataset)
    if not path.is_file():
        print(f"找不到数据集文件：{path}", file=sys.stderr)
        return 2
    try:
        server = build_hotline(path, host=args.host, port=args.port, idle_minutes=args.idle_minutes,
                               admin_token=args.admin_token, seed=args.seed, page_size=max(args.page_size, 1))
    except (ValueError, OSError) as exc:
        print(f"模拟器无法启动：{exc}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    # The first line is machine-readable so a parent process can find the port and token.
    print(json.dumps({"url": f"http://{host}:{port}", "admin_token": server.admin_token}), flush=True)
    print(f"热线工单平台模拟器已启动：http://{host}:{port}/gdpt/  （按 Ctrl+C 停止）", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("模拟器已停止。", flush=True)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from petitionbot.sim.hotline.generate import generate_orders

    if args.count < 0 or args.days < 1 or not 0 <= args.hostile_share <= 1:
        print("参数超出范围：数量不能为负，天数至少为 1，比例须在 0 到 1 之间。", file=sys.stderr)
        return 2
    data = generate_orders(args.count, args.seed, hostile_share=args.hostile_share, days=args.days)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"已生成 {len(data['orders'])} 件工单，写入 {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m petitionbot.sim.hotline``)."""
    parser = argparse.ArgumentParser(prog="python -m petitionbot.sim.hotline", description="12345 热线工单平台模拟器")
    top = parser.add_subparsers(dest="command", metavar="命令")
    register(top)
    args = parser.parse_args(["hotline", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args) or 0)
