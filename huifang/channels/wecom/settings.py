"""WeCom channel settings, from HUIFANG_WECOM_* (see README)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class WecomSettings:
    # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…, the group robot's address.
    webhook_url: str = ""
    # The self-built application (自建应用) that sends application messages.
    corp_id: str = ""
    corp_secret: str = ""
    agent_id: int = 0
    # Where the API lives; tests point it at a local stand-in.
    api_base: str = "https://qyapi.weixin.qq.com"
    timeout: int = 10

    @property
    def configured(self) -> bool:
        return bool(self.webhook_url)

    @property
    def app_configured(self) -> bool:
        return bool(self.corp_id and self.corp_secret and self.agent_id)


def current() -> WecomSettings:
    return WecomSettings(**getattr(settings, "HUIFANG_WECOM", {}))
