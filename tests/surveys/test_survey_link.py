"""The customer's survey link: signed, expiring, one submission, answers like an agent's."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from huifang.followups.models import ContactAttempt, FollowUpStatus
from huifang.surveys.links import make_token
from huifang.surveys.models import Answer, Response
from huifang.tickets.models import Ticket
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup


def link_for(f: object) -> str:
    token = make_token(followup_id=f.pk, customer_id=f.customer_id)  # type: ignore[attr-defined]
    return reverse("surveys:answer", args=[token])


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_customer_answers_without_logging_in_and_the_follow_up_is_done(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="nps")
    client = Client()

    page = client.get(link_for(f))
    assert page.status_code == 200
    assert "您有多大可能把我们的产品和服务推荐给朋友或同事？" in page.content.decode()

    done = client.post(link_for(f), {"nps": "9", "reason": "服务很及时"})
    assert "感谢您的回答" in done.content.decode()

    f.refresh_from_db()
    assert f.status == FollowUpStatus.DONE
    response = Response.objects.get(followup=f)
    assert (response.via, response.agent) == ("link", None)
    assert dict(Answer.objects.values_list("question_key", "value")) == {
        "nps": 9,
        "reason": "服务很及时",
    }
    attempt = ContactAttempt.objects.get(followup=f)
    assert (attempt.channel, attempt.result, attempt.agent) == ("sms", "completed", None)
    assert not Ticket.objects.exists()  # a promoter opens no ticket


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_detractor_opens_a_ticket_once(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent), channel="email", questionnaire="nps")
    Client().post(link_for(f), {"nps": "3", "detractor_reason": "服务流程", "reason": "等太久"})

    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.followup_id) == ("survey", f.pk)
    assert "等太久" in ticket.description


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_second_visit_shows_the_thank_you_page_and_changes_nothing(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="nps")
    client = Client()
    client.post(link_for(f), {"nps": "10"})

    again = client.post(link_for(f), {"nps": "0"})
    assert "我们已经收到您的回答" in again.content.decode()
    assert "我们已经收到您的回答" in client.get(link_for(f)).content.decode()
    assert list(Answer.objects.values_list("value", flat=True)) == [10]
    assert not Ticket.objects.exists()


@time_machine.travel(THURSDAY_10, tick=False)
def test_missing_answers_are_shown_in_chinese_and_nothing_is_stored(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent), channel="sms")
    page = Client().post(link_for(f), {"stable": "no"})

    assert page.status_code == 400
    text = page.content.decode()
    assert "请检查下面标出的回答" in text
    assert "请回答这个问题" in text
    assert not Answer.objects.exists()
    f.refresh_from_db()
    assert f.status == FollowUpStatus.PLANNED


def test_an_expired_link_says_so_and_stores_nothing(org: Org) -> None:
    with time_machine.travel(THURSDAY_10, tick=False):
        f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="nps")
        url = link_for(f)
    with time_machine.travel(THURSDAY_10 + timedelta(days=15), tick=False):
        page = Client().post(url, {"nps": "1"})
    assert page.status_code == 410
    assert "问卷链接已过期" in page.content.decode()
    assert not Response.objects.exists() and not Ticket.objects.exists()


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_tampered_link_is_refused(org: Org) -> None:
    zhang = customer(team=org.east, owner=org.agent)
    li = customer(name="李娜", team=org.east, owner=org.agent)
    f = followup(zhang, channel="sms", questionnaire="nps")
    token = make_token(followup_id=f.pk, customer_id=zhang.pk)
    forged = token.replace(f"{f.pk}.{zhang.pk}", f"{f.pk}.{li.pk}")
    other = make_token(followup_id=f.pk, customer_id=li.pk)  # signed, but the wrong customer

    for bad in (forged, token[:-2] + "xx", other):
        page = Client().post(reverse("surveys:answer", args=[bad]), {"nps": "1"})
        assert page.status_code == 400
        assert "问卷链接无效" in page.content.decode()
    assert not Response.objects.exists()
