"""Local stand-ins for the providers, on 127.0.0.1, speaking their protocols.

The SMS stand-in checks Alibaba Cloud's RPC signature with its own implementation of
the documented algorithm, so a mistake in ours cannot hide behind a shared helper.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

# --------------------------------------------------------------------------- SMTP


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd needs a real port to check it started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    part = message.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(message.get_content_charset() or "utf-8")


# --------------------------------------------------------------------------- HTTP


@dataclass
class Stand:
    """What a stand-in server received, and what it should answer next."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    # Status codes to answer before behaving normally (e.g. [503, 503]).
    failures: list[int] = field(default_factory=list)
    port: int = 0


@contextmanager
def _serve(handler: type[BaseHTTPRequestHandler], stand: Stand) -> Iterator[Stand]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.stand = stand  # type: ignore[attr-defined]
    stand.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand
    finally:
        server.shutdown()
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def stand(self) -> Stand:
        stand: Stand = self.server.stand  # type: ignore[attr-defined]
        return stand

    def answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def failing(self) -> bool:
        if self.stand.failures:
            self.answer(self.stand.failures.pop(0), {"Code": "ServiceUnavailable"})
            return True
        return False


# --------------------------------------------------------------------------- Alibaba Cloud SMS

SMS_KEY_ID = "LTAI-test-key"
SMS_SECRET = "test-secret-不要外传"


def rfc3986(value: str) -> str:
    encoded = urllib.parse.quote_plus(value, safe="")
    return encoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def expected_signature(params: dict[str, str], secret: str) -> str:
    query = "&".join(f"{rfc3986(k)}={rfc3986(params[k])}" for k in sorted(params))
    to_sign = "GET&" + rfc3986("/") + "&" + rfc3986(query)
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class _AliyunSms(_Handler):
    def do_GET(self) -> None:
        if self.failing():
            return
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query, strict_parsing=True)
        params = dict(pairs)
        self.stand.requests.append(params)
        signature = params.pop("Signature", "")
        if params.get("AccessKeyId") != SMS_KEY_ID:
            self.answer(404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "not found"})
        elif signature != expected_signature(params, SMS_SECRET):
            mismatch = "Specified signature is not matched with our calculation."
            self.answer(400, {"Code": "SignatureDoesNotMatch", "Message": mismatch})
        elif params.get("Action") != "SendSms" or not params.get("PhoneNumbers", "").isdigit():
            self.answer(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid number"})
        else:
            json.loads(params["TemplateParam"])  # must be JSON
            biz_id = f"9006197469364984{len(self.stand.requests):04d}"
            self.answer(
                200, {"Code": "OK", "Message": "OK", "RequestId": "F655A8D5", "BizId": biz_id}
            )


@contextmanager
def aliyun_sms() -> Iterator[Stand]:
    with _serve(_AliyunSms, Stand()) as stand:
        yield stand


# --------------------------------------------------------------------------- WeCom robot

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


class _WecomRobot(_Handler):
    def do_POST(self) -> None:
        if self.failing():
            return
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length).decode())
        self.stand.requests.append(payload)
        if query.get("key") != WECOM_KEY:
            self.answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        elif payload.get("msgtype") != "text" or not payload.get("text", {}).get("content"):
            self.answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        else:
            self.answer(200, {"errcode": 0, "errmsg": "ok"})


@contextmanager
def wecom_robot() -> Iterator[Stand]:
    with _serve(_WecomRobot, Stand()) as stand:
        yield stand


# --------------------------------------------------------------------------- WeCom application

WECOM_CORP_ID = "ww7f3a9c1d2e4b5a60"
WECOM_SECRET = "app-secret/不要外传+="
WECOM_AGENT_ID = 1000002
WECOM_USERS = ("zhangwei", "agent")


@dataclass
class WecomApp(Stand):
    """The message API's stand-in: issues tokens, checks them on every send."""

    issued: list[str] = field(default_factory=list)
    valid: set[str] = field(default_factory=set)
    expires_in: int = 7200
    # errcodes to answer the next sends with, before behaving normally (e.g. [45009]).
    send_errors: list[int] = field(default_factory=list)

    def expire_tokens(self) -> None:
        """WeCom invalidated every token early (it may, for its own reasons)."""
        self.valid.clear()

    def calls(self) -> list[str]:
        return [request["call"] for request in self.requests]


class _WecomApp(_Handler):
    @property
    def app(self) -> WecomApp:
        stand = self.stand
        assert isinstance(stand, WecomApp)
        return stand

    def do_GET(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(split.query))
        self.app.requests.append({"call": "gettoken", **query})
        if split.path != "/cgi-bin/gettoken":
            self.answer(404, {"errcode": 404, "errmsg": "not found"})
        elif query.get("corpid") != WECOM_CORP_ID:
            self.answer(200, {"errcode": 40013, "errmsg": "invalid corpid"})
        elif query.get("corpsecret") != WECOM_SECRET:
            self.answer(200, {"errcode": 40001, "errmsg": "invalid credential"})
        else:
            token = f"token-{len(self.app.issued) + 1}"
            self.app.issued.append(token)
            self.app.valid.add(token)
            self.answer(
                200,
                {"errcode": 0, "errmsg": "ok", "access_token": token,
                 "expires_in": self.app.expires_in},
            )  # fmt: skip

    def do_POST(self) -> None:
        if self.failing():
            return
        split = urllib.parse.urlsplit(self.path)
        token = dict(urllib.parse.parse_qsl(split.query)).get("access_token", "")
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length).decode())
        self.app.requests.append({"call": "send", "token": token, "payload": payload})
        kind = payload.get("msgtype")
        content = payload.get(kind) or {}
        if split.path != "/cgi-bin/message/send":
            self.answer(404, {"errcode": 404, "errmsg": "not found"})
        elif token not in self.app.issued:
            self.answer(200, {"errcode": 40014, "errmsg": "invalid access_token"})
        elif token not in self.app.valid:
            self.answer(200, {"errcode": 42001, "errmsg": "access_token expired"})
        elif self.app.send_errors:
            self.answer(200, {"errcode": self.app.send_errors.pop(0), "errmsg": "busy"})
        elif payload.get("agentid") != WECOM_AGENT_ID:
            self.answer(200, {"errcode": 40056, "errmsg": "invalid agentid"})
        elif not (
            (kind == "text" and content.get("content"))
            or (kind == "textcard" and all(content.get(k) for k in ("title", "description", "url")))
        ):
            self.answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        elif payload.get("touser") not in WECOM_USERS:
            self.answer(200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"})
        else:
            msgid = f"msg-{len(self.app.requests)}"
            self.answer(200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": msgid})


@contextmanager
def wecom_application() -> Iterator[WecomApp]:
    app = WecomApp()
    with _serve(_WecomApp, app):
        yield app
