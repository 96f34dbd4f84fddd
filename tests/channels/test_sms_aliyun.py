"""SMS through Alibaba Cloud's SendSms, signed as documented; failures retried with backoff."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.urls import reverse

from huifang.channels.models import MessageStatus, OutboundMessage
from huifang.channels.services import messages_deliver_due
from huifang.channels.sms.adapter import signature
from huifang.notifications.models import Notification
from huifang.surveys.services import survey_links_dispatch
from tests.channels.servers import Stand
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup


def test_the_signature_matches_alibaba_clouds_documented_example() -> None:
    # The worked example of Alibaba Cloud's SMS signature documentation.
    params = {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
        "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }  # fmt: skip
    assert signature(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def send_one(org: Org, capture: Any) -> Any:
    f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="nps")
    with capture(execute=True):
        survey_links_dispatch(now=THURSDAY_10)
    return f


def test_a_survey_sms_is_accepted_by_the_provider(
    org: Org, sms: Stand, django_capture_on_commit_callbacks: Any
) -> None:
    send_one(org, django_capture_on_commit_callbacks)

    [request] = sms.requests
    assert (request["Action"], request["PhoneNumbers"], request["SignName"]) == (
        "SendSms", "13812345678", "回访中心",
    )  # fmt: skip
    assert request["TemplateCode"] == "SMS_460001"
    params = json.loads(request["TemplateParam"])
    assert params["name"] == "张伟" and params["url"].startswith("http://testserver/s/")
    message = OutboundMessage.objects.get()
    assert (message.status, message.provider_id) == (MessageStatus.SENT, "90061974693649840001")


def test_a_wrong_secret_fails_at_once_and_the_agent_is_told(
    org: Org, sms: Stand, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HUIFANG_SMS = {**settings.HUIFANG_SMS, "access_key_secret": "wrong"}
    f = send_one(org, django_capture_on_commit_callbacks)

    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert message.error.startswith("SignatureDoesNotMatch")
    note = Notification.objects.get(recipient=org.agent, kind="message_failed")
    assert note.title == "发给 13812345678 的消息未能送达"
    page = org.client_for(org.agent).get(reverse("workspace:work", args=[f.pk])).content.decode()
    assert "SignatureDoesNotMatch" in page and "重新发送" in page


def test_an_unavailable_provider_is_retried_with_backoff(
    org: Org, sms: Stand, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sms.failures = [503, 503]
    send_one(org, django_capture_on_commit_callbacks)
    message = OutboundMessage.objects.get()
    assert (message.status, message.next_attempt_at) == (
        MessageStatus.QUEUED, THURSDAY_10 + timedelta(minutes=1),
    )  # fmt: skip

    assert messages_deliver_due(now=THURSDAY_10 + timedelta(seconds=30)) == 0  # not due yet
    assert messages_deliver_due(now=THURSDAY_10 + timedelta(minutes=1)) == 0  # 503 again
    message.refresh_from_db()
    assert message.next_attempt_at == THURSDAY_10 + timedelta(minutes=6)
    assert messages_deliver_due(now=THURSDAY_10 + timedelta(minutes=6)) == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (MessageStatus.SENT, 3, "")
    assert len(sms.requests) == 1  # the two 503s never reached the provider's logic


def test_after_the_last_attempt_the_message_is_failed(
    org: Org, sms: Stand, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HUIFANG_MESSAGE_MAX_ATTEMPTS = 2
    sms.failures = [503, 503, 503]
    send_one(org, django_capture_on_commit_callbacks)
    messages_deliver_due(now=THURSDAY_10 + timedelta(minutes=1))
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)
    assert messages_deliver_due(now=THURSDAY_10 + timedelta(hours=3)) == 0
    assert Notification.objects.filter(kind="message_failed").count() == 1


def test_without_sms_settings_the_demo_logs_the_message(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    send_one(org, django_capture_on_commit_callbacks)
    message = OutboundMessage.objects.get()
    assert (message.channel, message.transport, message.status) == ("sms", "log", "sent")
