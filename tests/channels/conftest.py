from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from huifang.channels.wecom import settings as wecom_settings
from huifang.channels.wecom import token
from tests.channels.servers import (
    SMS_KEY_ID,
    SMS_SECRET,
    WECOM_AGENT_ID,
    WECOM_CORP_ID,
    WECOM_KEY,
    WECOM_SECRET,
    Mailbox,
    Stand,
    WecomApp,
    aliyun_sms,
    smtp_server,
    wecom_application,
    wecom_robot,
)
from tests.workspace.factories import THURSDAY_10


@pytest.fixture(autouse=True)
def thursday(time_machine: Any) -> None:
    time_machine.move_to(THURSDAY_10, tick=False)


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    with smtp_server() as (box, port):
        settings.HUIFANG_EMAIL = {
            "host": "127.0.0.1",
            "port": port,
            "sender": "回访中心 <hf@example.cn>",
        }
        settings.HUIFANG_SITE_URL = "http://testserver"
        yield box


@pytest.fixture
def sms(settings: Any) -> Iterator[Stand]:
    with aliyun_sms() as stand:
        settings.HUIFANG_SMS = {
            "endpoint": f"http://127.0.0.1:{stand.port}/",
            "access_key_id": SMS_KEY_ID,
            "access_key_secret": SMS_SECRET,
            "sign_name": "回访中心",
            "templates": {"survey_link": "SMS_460001", "announce": "SMS_460002"},
        }
        settings.HUIFANG_SITE_URL = "http://testserver"
        yield stand


@pytest.fixture
def robot(settings: Any) -> Iterator[Stand]:
    with wecom_robot() as stand:
        settings.HUIFANG_WECOM = {
            "webhook_url": f"http://127.0.0.1:{stand.port}/cgi-bin/webhook/send?key={WECOM_KEY}"
        }
        yield stand


@pytest.fixture
def wecom(settings: Any) -> Iterator[WecomApp]:
    """A WeCom application's message API on 127.0.0.1, with no token cached yet."""
    with wecom_application() as stand:
        settings.HUIFANG_WECOM = {
            **settings.HUIFANG_WECOM,
            "corp_id": WECOM_CORP_ID,
            "corp_secret": WECOM_SECRET,
            "agent_id": WECOM_AGENT_ID,
            "api_base": f"http://127.0.0.1:{stand.port}",
        }
        settings.HUIFANG_SITE_URL = "http://testserver"
        token.forget(wecom_settings.current())
        yield stand
        token.forget(wecom_settings.current())
