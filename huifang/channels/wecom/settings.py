"""WeCom channel settings, from HUIFANG_WECOM_* (see README)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class WecomSettings:
    # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…, the group robot's address.
    webhook_url: str = ""
    timeout: int = 10

    @property
    def configured(self) -> bool:
        return bool(self.webhook_url)


def current() -> WecomSettings:
    return WecomSettings(**getattr(settings, "HUIFANG_WECOM", {}))
