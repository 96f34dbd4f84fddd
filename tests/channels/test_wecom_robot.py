"""WeCom group robot: WeChat survey links for the agent to forward, and reminders."""

from __future__ import annotations

from typing import Any

from huifang.channels.models import MessageStatus, OutboundMessage
from huifang.surveys.services import survey_links_dispatch
from tests.channels.servers import Stand
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup


def test_a_wechat_follow_up_posts_the_link_to_the_team_group(
    org: Org, robot: Stand, django_capture_on_commit_callbacks: Any
) -> None:
    followup(customer(team=org.east, owner=org.agent), channel="wechat")
    with django_capture_on_commit_callbacks(execute=True):
        survey_links_dispatch(now=THURSDAY_10)

    [payload] = robot.requests
    assert payload["msgtype"] == "text"
    assert payload["text"]["mentioned_list"] == ["agent"]
    assert payload["text"]["content"].startswith("请通过微信把这份问卷转发给 张伟：http")
    assert OutboundMessage.objects.get().status == MessageStatus.SENT


def test_a_robot_refusing_the_key_fails_without_retrying(
    org: Org, robot: Stand, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HUIFANG_WECOM = {"webhook_url": settings.HUIFANG_WECOM["webhook_url"] + "x"}
    followup(customer(team=org.east, owner=org.agent), channel="wechat")
    with django_capture_on_commit_callbacks(execute=True):
        survey_links_dispatch(now=THURSDAY_10)
    message = OutboundMessage.objects.get()
    assert (message.status, message.error) == (MessageStatus.FAILED, "93000: invalid webhook url")
