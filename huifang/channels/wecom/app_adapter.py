"""Send a WeCom application message (应用消息) to one WeCom user.

``POST <api>/cgi-bin/message/send?access_token=TOKEN`` with
``{"touser": userid, "msgtype": "textcard" | "text", "agentid": N, …}``; WeCom answers
``{"errcode": 0, "errmsg": "ok", "msgid": …}`` and lists recipients it could not reach in
``invaliduser``. A message with a ``url`` parameter goes as a text card (title, description,
the link behind a button); anything else as plain text. When WeCom calls the token invalid
(40014) or expired (42001) the token is fetched again and the message sent once more.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from huifang.channels.base import Outgoing, Result, failed
from huifang.channels.wecom import settings as wecom_settings
from huifang.channels.wecom import token

TOKEN_CODES = (40014, 42001)
# -1: system busy; 45009: API rate limit; 45033: too many concurrent calls.
RETRY_CODES = (-1, 45009, 45033)
# Byte limits of the documented message types; WeCom cuts longer fields itself.
TITLE_BYTES, DESCRIPTION_BYTES, TEXT_BYTES = 128, 512, 2048


def clip(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, never cutting a character in half."""
    return text.encode()[:limit].decode(errors="ignore")


def payload(message: Outgoing, agent_id: int) -> dict[str, Any]:
    body: dict[str, Any] = {"touser": message.to, "agentid": agent_id}
    url = str(message.params.get("url", ""))
    if url:
        card = {
            "title": clip(message.subject or message.body, TITLE_BYTES),
            "description": clip(message.body, DESCRIPTION_BYTES),
            "url": url,
        }
        if message.params.get("button"):
            card["btntxt"] = str(message.params["button"])[:4]
        return {**body, "msgtype": "textcard", "textcard": card}
    return {**body, "msgtype": "text", "text": {"content": clip(message.body, TEXT_BYTES)}}


def _post(config: wecom_settings.WecomSettings, access_token: str, data: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{config.api_base.rstrip('/')}/cgi-bin/message/send?access_token={access_token}",
        data=json.dumps(data, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=config.timeout) as response:
        return json.loads(response.read().decode())


def send(message: Outgoing) -> Result:
    config = wecom_settings.current()
    data = payload(message, config.agent_id)
    try:
        answer = _post(config, token.access_token(config), data)
        if int(answer.get("errcode", -1)) in TOKEN_CODES:
            token.forget(config)
            answer = _post(config, token.access_token(config), data)
    except token.TokenRefused as error:
        return failed(str(error), retry=error.retry)
    except urllib.error.HTTPError as error:
        return failed(f"HTTP {error.code}", retry=error.code >= 500)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return failed(f"{type(error).__name__}: {error}")
    code = int(answer.get("errcode", -1))
    if code != 0:
        # A token refused even when fresh may be WeCom's hiccup: the backoff tries again.
        retry = code in RETRY_CODES or code in TOKEN_CODES
        return failed(f"{code}: {answer.get('errmsg', '')}", retry=retry)
    if answer.get("invaliduser"):
        return failed(f"invaliduser: {answer['invaliduser']}", retry=False)
    return Result(ok=True, provider_id=str(answer.get("msgid", "")))
