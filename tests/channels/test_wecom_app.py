"""WeCom application messages: a card with the survey link straight to a WeCom user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from huifang.channels.models import MessageStatus, OutboundMessage
from huifang.channels.services import messages_deliver_due
from huifang.customers.models import Contact, Customer
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.notifications.models import Notification
from huifang.surveys.models import Response
from huifang.surveys.services import survey_links_dispatch
from tests.channels.servers import WECOM_AGENT_ID, Stand, WecomApp
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup


def wechat_customer(org: Org, wecom_user: str = "zhangwei") -> Customer:
    made = customer(team=org.east, owner=org.agent)
    Contact.objects.filter(customer=made).update(wechat_id=wecom_user)
    return made


def dispatch(capture: Any, now: Any = THURSDAY_10) -> int:
    with capture(execute=True):
        return survey_links_dispatch(now=now)


def test_a_wechat_follow_up_sends_a_card_whose_link_answers_the_survey(
    org: Org, wecom: WecomApp, django_capture_on_commit_callbacks: Any
) -> None:
    f = followup(wechat_customer(org), channel="wechat", questionnaire="nps")
    assert dispatch(django_capture_on_commit_callbacks) == 1

    assert wecom.calls() == ["gettoken", "send"]
    send = wecom.requests[1]
    assert send["token"] == "token-1"
    payload = send["payload"]
    assert (payload["touser"], payload["agentid"], payload["msgtype"]) == (
        "zhangwei", WECOM_AGENT_ID, "textcard",
    )  # fmt: skip
    card = payload["textcard"]
    assert card["title"] == "关于我们服务的几个小问题"
    assert card["description"].startswith("张伟您好，感谢您选择我们。")
    assert card["btntxt"] == "去填写"
    assert card["url"].startswith("http://testserver/s/")

    message = OutboundMessage.objects.get()
    assert (message.status, message.transport, message.to) == (
        MessageStatus.SENT, "wecom_app", "zhangwei",
    )  # fmt: skip
    assert message.provider_id == "msg-2"

    page = Client().post(urlsplit(card["url"]).path, {"nps": "9"})
    assert "感谢您的回答" in page.content.decode()
    f.refresh_from_db()
    assert f.status == FollowUpStatus.DONE
    assert Response.objects.get(followup=f).via == "link"


def test_the_token_is_fetched_once_and_kept_until_it_expires(
    org: Org, wecom: WecomApp, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    zhang = wechat_customer(org)
    followup(zhang, channel="wechat")
    followup(zhang, channel="wechat")
    assert dispatch(django_capture_on_commit_callbacks) == 2
    assert wecom.calls() == ["gettoken", "send", "send"]

    later = THURSDAY_10 + timedelta(hours=2)  # past WeCom's 7200 seconds
    time_machine.move_to(later, tick=False)
    followup(zhang, channel="wechat", scheduled_at=later)
    assert dispatch(django_capture_on_commit_callbacks, later) == 1
    assert wecom.calls()[3:] == ["gettoken", "send"]
    assert wecom.requests[-1]["token"] == "token-2"
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == 3


def test_a_token_wecom_expired_early_is_fetched_again_and_the_message_sent_once_more(
    org: Org, wecom: WecomApp, django_capture_on_commit_callbacks: Any
) -> None:
    zhang = wechat_customer(org)
    followup(zhang, channel="wechat")
    dispatch(django_capture_on_commit_callbacks)
    wecom.expire_tokens()
    second = followup(zhang, channel="wechat")
    dispatch(django_capture_on_commit_callbacks)

    assert wecom.calls() == ["gettoken", "send", "send", "gettoken", "send"]
    assert [r.get("token") for r in wecom.requests[2:]] == ["token-1", None, "token-2"]
    message = OutboundMessage.objects.get(followup=second)
    assert (message.status, message.attempts, message.error) == (MessageStatus.SENT, 1, "")


def test_an_unknown_wecom_user_fails_at_once_and_the_agent_is_told(
    org: Org, wecom: WecomApp, django_capture_on_commit_callbacks: Any
) -> None:
    f = followup(wechat_customer(org, "left-the-company"), channel="wechat")
    dispatch(django_capture_on_commit_callbacks)

    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert message.error == "81013: user & party & tag all invalid"
    note = Notification.objects.get(recipient=org.agent, kind="message_failed")
    assert note.title == "发给 left-the-company 的消息未能送达"
    page = org.client_for(org.agent).get(reverse("workspace:work", args=[f.pk])).content.decode()
    assert "81013" in page and "重新发送" in page


def test_a_rate_limited_message_is_tried_again_after_the_backoff(
    org: Org, wecom: WecomApp, django_capture_on_commit_callbacks: Any
) -> None:
    wecom.send_errors = [45009]
    followup(wechat_customer(org), channel="wechat")
    dispatch(django_capture_on_commit_callbacks)
    message = OutboundMessage.objects.get()
    assert (message.status, message.error) == (MessageStatus.QUEUED, "45009: busy")
    assert message.next_attempt_at == THURSDAY_10 + timedelta(minutes=1)

    assert messages_deliver_due(now=THURSDAY_10 + timedelta(minutes=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert wecom.calls() == ["gettoken", "send", "send"]  # the token was kept


def test_a_wrong_secret_fails_without_retrying(
    org: Org, wecom: WecomApp, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HUIFANG_WECOM = {**settings.HUIFANG_WECOM, "corp_secret": "wrong"}
    followup(wechat_customer(org), channel="wechat")
    dispatch(django_capture_on_commit_callbacks)
    message = OutboundMessage.objects.get()
    assert (message.status, message.error) == (
        MessageStatus.FAILED, "gettoken 40001: invalid credential",
    )  # fmt: skip
    assert wecom.calls() == ["gettoken"]


def test_without_a_wecom_user_id_the_link_goes_to_the_group_robot(
    org: Org, robot: Stand, wecom: WecomApp, django_capture_on_commit_callbacks: Any
) -> None:
    followup(customer(team=org.east, owner=org.agent), channel="wechat")
    dispatch(django_capture_on_commit_callbacks)
    assert wecom.requests == []
    [payload] = robot.requests
    assert payload["text"]["content"].startswith("请通过微信把这份问卷转发给 张伟：http")
    assert OutboundMessage.objects.get().transport == "wecom"


def test_without_the_application_settings_a_wecom_user_id_changes_nothing(
    org: Org, robot: Stand, django_capture_on_commit_callbacks: Any
) -> None:
    followup(wechat_customer(org), channel="wechat")
    dispatch(django_capture_on_commit_callbacks)
    assert len(robot.requests) == 1
    assert FollowUp.objects.get().link_sent_at == THURSDAY_10
