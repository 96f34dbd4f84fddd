"""Which adapter carries a channel: its own when configured, the log channel otherwise."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from huifang.channels.base import Outgoing, Result
from huifang.channels.email import adapter as email_adapter
from huifang.channels.email import settings as email_settings
from huifang.channels.log import adapter as log_adapter
from huifang.channels.log import settings as log_settings
from huifang.channels.models import Transport
from huifang.channels.sms import adapter as sms_adapter
from huifang.channels.sms import settings as sms_settings
from huifang.channels.wecom import adapter as wecom_adapter
from huifang.channels.wecom import settings as wecom_settings

CHANNELS: dict[str, tuple[ModuleType, ModuleType]] = {
    Transport.EMAIL: (email_adapter, email_settings),
    Transport.SMS: (sms_adapter, sms_settings),
    Transport.WECOM: (wecom_adapter, wecom_settings),
    Transport.LOG: (log_adapter, log_settings),
}


def configured(channel: str) -> bool:
    return bool(CHANNELS[channel][1].current().configured)


def transport_for(channel: str) -> str:
    return channel if configured(channel) else Transport.LOG


def sender(transport: str) -> Callable[[Outgoing], Result]:
    send: Callable[[Outgoing], Result] = CHANNELS[transport][0].send
    return send
