"""Post a text message to a WeCom group robot.

``POST <webhook>`` with ``{"msgtype": "text", "text": {"content": …}}``; the robot answers
``{"errcode": 0, "errmsg": "ok"}``. ``message.to`` names the colleague to mention
(``mentioned_list`` takes WeCom user ids; an empty ``to`` mentions nobody).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from huifang.channels.base import Outgoing, Result, failed
from huifang.channels.wecom import settings as wecom_settings

# 45009: the robot's rate limit (20 messages a minute); worth trying again later.
RETRY_CODES = (-1, 45009)


def payload(message: Outgoing) -> dict[str, object]:
    text: dict[str, object] = {"content": message.body}
    if message.to and not message.to.startswith("group"):
        text["mentioned_list"] = [message.to]
    return {"msgtype": "text", "text": text}


def send(message: Outgoing) -> Result:
    config = wecom_settings.current()
    request = urllib.request.Request(
        config.webhook_url,
        data=json.dumps(payload(message), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            answer = json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        return failed(f"HTTP {error.code}", retry=error.code >= 500)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return failed(f"{type(error).__name__}: {error}")
    code = int(answer.get("errcode", -1))
    if code == 0:
        return Result(ok=True, provider_id=str(answer.get("msgid", "")))
    return failed(f"{code}: {answer.get('errmsg', '')}", retry=code in RETRY_CODES)
