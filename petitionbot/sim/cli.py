"""``petitionbot sim serve`` and ``petitionbot sim generate``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any, run_flows: Any = None) -> None:
    """Add the ``sim`` command to the main CLI (``run_flows`` is unused: sim is no flow)."""
    sim = subparsers.add_parser("sim", help="上级信访系统模拟器（演示和测试用）")
    sub = sim.add_subparsers(dest="sim_command", metavar="子命令", parser_class=type(sim))
    sub.required = True

    serve = sub.add_parser("serve", help="启动模拟器网站")
    serve.add_argument("--dataset", required=True, help="数据集 JSON 文件")
    serve.add_argument("--port", type=int, default=8765, help="端口（默认 8765；0 表示任选空闲端口）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只允许本机访问）")
    serve.add_argument("--captcha", action="store_true", help="登录页显示图片验证码")
    serve.add_argument("--idle-minutes", type=float, default=30, help="会话空闲多少分钟后过期（默认 30）")
    serve.add_argument("--admin-token", help="管理接口令牌（默认随机生成并打印）")
    serve.add_argument("--seed", type=int, default=0, help="故障注入随机数种子")
    serve.set_defaults(func=_serve)

    gen = sub.add_parser("generate", help="生成模拟信访件数据集")
    gen.add_argument("--count", type=int, required=True, help="信访件数量")
    gen.add_argument("--seed", type=int, default=0, help="随机数种子（相同种子生成相同数据）")
    gen.add_argument("--out", required=True, help="输出 JSON 文件")
    gen.add_argument("--hostile-share", type=float, default=0.05, help="含恶意内容的比例（0 到 1，默认 0.05）")
    gen.add_argument("--attachment-size", type=int, help="每件一个指定大小（字节）的附件")
    gen.add_argument("--malformed-share", type=float, default=0.0, help="格式错误件的比例（默认 0）")
    gen.set_defaults(func=_generate)

    from petitionbot.sim.hotline.cli import register as register_hotline  # the second upstream's simulator

    register_hotline(sub)


def _serve(args: argparse.Namespace) -> int:
    from petitionbot.sim.runner import build_server

    path = Path(args.dataset)
    if not path.is_file():
        print(f"找不到数据集文件：{path}", file=sys.stderr)
        return 2
    try:
        server = build_server(path, host=args.host, port=args.port, captcha=args.captcha,
                              idle_minutes=args.idle_minutes, admin_token=args.admin_token, seed=args.seed)
    except (ValueError, OSError) as exc:
        print(f"模拟器无法启动：{exc}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    # The first line is machine-readable so a parent process can find the port and token.
    print(json.dumps({"url": f"http://{host}:{port}", "admin_token": server.admin_token}), flush=True)
    print(f"模拟器已启动：http://{host}:{port}  （按 Ctrl+C 停止）", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("模拟器已停止。", flush=True)
    return 0


def _stop(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the server like Ctrl+C: sockets closed, message printed


def _generate(args: argparse.Namespace) -> int:
    from petitionbot.sim.generate import generate

    if args.count < 0 or not 0 <= args.hostile_share <= 1 or not 0 <= args.malformed_share <= 1:
        print("参数超出范围：数量不能为负，比例须在 0 到 1 之间。", file=sys.stderr)
        return 2
    data = generate(args.count, args.seed, hostile_share=args.hostile_share, attachment_size=args.attachment_size,
                    malformed_share=args.malformed_share)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"已生成 {len(data['petitions'])} 件，写入 {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m petitionbot.sim``), for running the sim as its own process."""
    parser = argparse.ArgumentParser(prog="python -m petitionbot.sim", description="上级信访系统模拟器")
    top = parser.add_subparsers(dest="command", metavar="命令")
    register(top)
    args = parser.parse_args(["sim", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args) or 0)
