"""Loopback servers the channel tests talk to: a real SMTP server (aiosmtpd) with STARTTLS/SSL
and login, and a stdlib HTTP receiver that checks DingTalk signatures and WeCom payloads."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import threading
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "xfb@example.gov.cn", "s3cret-pw"
# Chosen so that the signature's base64 holds both '+' and '/' (ajMAJwS+4lVq/n7P...): a sender
# that forgets to percent-encode it is rejected, as DingTalk rejects it.
DING_SECRET = "SEC-test-secret-1"
FIXED_MS = 1_795_000_000_000  # the DingTalk channel's wall clock, injected


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class Catcher:
    def __init__(self) -> None:
        self.messages: list = []
        self.fail = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        if self.fail:
            return "451 4.3.0 Temporary failure, try later"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"msg": msg, "rcpt": list(envelope.rcpt_tos), "login": session.authenticated})
        return "250 OK"


def _auth(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


class SmtpServer:
    def __init__(self, cert: Path, key: Path, *, implicit_tls: bool = False):
        self.catcher = Catcher()
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        self.port = free_port()
        kw = {"ssl_context": ctx} if implicit_tls else {"tls_context": ctx, "require_starttls": True}
        self.controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port, authenticator=_auth,
                                     auth_require_tls=not implicit_tls, server_hostname="localhost", **kw)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        server: HttpReceiver = self.server.receiver  # type: ignore[attr-defined]
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if server.fail:
            self.send_response(500)
            self.end_headers()
            return
        payload = json.loads(raw.decode("utf-8"))
        errcode, errmsg = 0, "ok"
        if url.path.startswith("/robot/send"):
            errcode, errmsg = server.check_dingtalk(url.query, payload)
        elif url.path.startswith("/cgi-bin/webhook/send"):
            errcode, errmsg = server.check_wecom(query, payload)
        if errcode == 0:
            server.received.append({"path": url.path, "query": query, "payload": payload})
        else:
            server.rejected.append(errmsg)
        body = json.dumps({"errcode": errcode, "errmsg": errmsg}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class HttpReceiver:
    """Plays both robots: /robot/send (DingTalk, signed) and /cgi-bin/webhook/send (WeCom)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.rejected: list[str] = []
        self.fail = False
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.receiver = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def dingtalk_url(self, token: str = "tok") -> str:
        return f"{self.base}/robot/send?access_token={token}"

    def wecom_url(self, key: str = "key") -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={key}"

    @staticmethod
    def check_dingtalk(raw_query: str, payload: dict) -> tuple[int, str]:
        # Verified from the raw query, with this receiver's own HMAC: the sign must arrive
        # percent-encoded (a raw '+' would read as a space, a raw '/' is not what DingTalk expects).
        raw = dict(part.split("=", 1) for part in raw_query.split("&") if "=" in part)
        ts, sign = raw.get("timestamp"), raw.get("sign")
        if not ts or not sign:
            return 310000, "missing sign"
        if abs(int(ts) - FIXED_MS) > 3600_000:
            return 310000, "timestamp expired"
        expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        if "+" in sign or "/" in sign or urllib.parse.unquote(sign) != expected:
            return 310000, "sign not match"
        if payload.get("msgtype") != "markdown" or not payload["markdown"].get("title") or not payload["markdown"].get("text"):
            return 40035, "bad markdown payload"
        return 0, "ok"

    @staticmethod
    def check_wecom(query: dict, payload: dict) -> tuple[int, str]:
        if not query.get("key"):
            return 93000, "invalid webhook url"
        kind = payload.get("msgtype")
        if kind == "markdown":
            content = payload["markdown"].get("content", "")
            if not content or len(content.encode("utf-8")) > 4096:
                return 40058, "markdown content empty or over 4096 bytes"
        elif kind == "text":
            if not payload["text"].get("content"):
                return 40058, "text content empty"
        else:
            return 40008, "invalid message type"
        return 0, "ok"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
