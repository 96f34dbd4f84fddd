"""Which adapter carries a channel: its own when configured, the log channel otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from huifang.channels.base import Outgoing, Result
from huifang.channels.email import adapter as email_adapter
from huifang.channels.email import settings as email_settings
from huifang.channels.log import adapter as log_adapter
from huifang.channels.log import settings as log_settings
from huifang.channels.models import Transport
from huifang.channels.sms import adapter as sms_adapter
from huifang.channels.sms import settings as sms_settings
from huifang.channels.wecom import adapter as wecom_adapter
from huifang.channels.wecom import app_adapter as wecom_app_adapter
from huifang.channels.wecom import settings as wecom_settings


@dataclass(frozen=True)
class Carrier:
    send: Callable[[Outgoing], Result]
    configured: Callable[[], bool]


CHANNELS: dict[str, Carrier] = {
    Transport.EMAIL: Carrier(email_adapter.send, lambda: email_settings.current().configured),
    Transport.SMS: Carrier(sms_adapter.send, lambda: sms_settings.current().configured),
    Transport.WECOM: Carrier(wecom_adapter.send, lambda: wecom_settings.current().configured),
    Transport.WECOM_APP: Carrier(
        wecom_app_adapter.send, lambda: wecom_settings.current().app_configured
    ),
    Transport.LOG: Carrier(log_adapter.send, lambda: log_settings.current().configured),
}


def configured(channel: str) -> bool:
    return CHANNELS[channel].configured()


def transport_for(channel: str) -> str:
    return channel if configured(channel) else Transport.LOG


def sender(transport: str) -> Callable[[Outgoing], Result]:
    return CHANNELS[transport].send
