"""Survey emails go through a real SMTP server; the link in the mail answers the survey."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from huifang.channels.models import MessageStatus, OutboundMessage
from huifang.followups.models import ContactAttempt, FollowUpStatus
from huifang.surveys.models import Response
from huifang.surveys.services import survey_links_dispatch
from tests.channels.servers import Mailbox, body_of
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup


def test_a_due_email_follow_up_sends_a_link_that_answers_the_survey(
    org: Org, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    zhang = customer(team=org.east, owner=org.agent, email="zhangwei@example.cn")
    f = followup(zhang, channel="email", questionnaire="post_solution")

    with django_capture_on_commit_callbacks(execute=True):
        assert survey_links_dispatch(now=THURSDAY_10) == 1

    [mail] = mailbox.messages
    assert mail["To"] == "zhangwei@example.cn"
    assert mail["Subject"] == "关于我们服务的几个小问题"
    text = body_of(mail)
    assert text.startswith("张伟您好，感谢您选择我们。")
    link = re.search(r"http://testserver(/s/\S+/)", text)
    assert link is not None

    message = OutboundMessage.objects.get()
    assert (message.status, message.transport, message.attempts) == (MessageStatus.SENT, "email", 1)
    assert message.provider_id == mail["Message-ID"]
    f.refresh_from_db()
    assert (f.status, f.link_sent_at) == (FollowUpStatus.IN_PROGRESS, THURSDAY_10)

    page = Client().post(link.group(1), {"fixed": "yes", "satisfaction": "5", "more_help": "no"})
    assert "感谢您的回答" in page.content.decode()
    f.refresh_from_db()
    assert f.status == FollowUpStatus.DONE
    assert Response.objects.get(followup=f).via == "link"
    attempts = ContactAttempt.objects.filter(followup=f).order_by("id")
    assert list(attempts.values_list("result", flat=True)) == ["link_sent", "completed"]


def test_dispatching_twice_sends_one_email(
    org: Org, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    followup(customer(team=org.east, owner=org.agent, email="a@example.cn"), channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        survey_links_dispatch(now=THURSDAY_10)
        survey_links_dispatch(now=THURSDAY_10)
    assert len(mailbox.messages) == 1


def test_a_customer_without_email_is_handed_to_the_agent_as_a_call(
    org: Org, mailbox: Mailbox
) -> None:
    f = followup(customer(team=org.east, owner=org.agent, email=""), channel="email")
    assert survey_links_dispatch(now=THURSDAY_10) == 0
    f.refresh_from_db()
    assert (f.channel, f.status) == ("phone", FollowUpStatus.PLANNED)
    assert f.reasons[-1] == {"code": "no_address", "detail": "张伟 没有登记邮箱。"}
    assert not OutboundMessage.objects.exists() and not mailbox.messages


def test_an_unreachable_smtp_server_keeps_the_message_for_a_retry(
    org: Org, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HUIFANG_EMAIL = {"host": "127.0.0.1", "port": 9, "timeout": 2}  # nothing listens
    followup(customer(team=org.east, owner=org.agent, email="a@example.cn"), channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        survey_links_dispatch(now=THURSDAY_10)
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "ConnectionRefusedError" in message.error
