"""SMS channel settings, from HUIFANG_SMS_* (see README)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class SmsSettings:
    endpoint: str = "https://dysmsapi.aliyuncs.com/"
    access_key_id: str = ""
    access_key_secret: str = ""
    sign_name: str = ""
    region: str = "cn-hangzhou"
    # Approved template codes by message kind, e.g. {"survey_link": "SMS_123"}.
    templates: Mapping[str, str] = field(default_factory=dict)
    timeout: int = 10

    @property
    def configured(self) -> bool:
        return bool(self.access_key_id and self.access_key_secret and self.sign_name)


def current() -> SmsSettings:
    return SmsSettings(**getattr(settings, "HUIFANG_SMS", {}))
