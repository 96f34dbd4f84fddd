"""The customer confirms through a signed, expiring link; only that closes the ticket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from huifang.tickets import services
from huifang.tickets.models import Confirmation, Escalation, Status, Ticket
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
SOLVED_AT = sh(2026, 11, 30, 16)


@pytest.fixture
def solved(desk: Desk, make_customer: Any) -> tuple[Ticket, str]:
    ticket = desk.open(make_customer(), now=sh(2026, 11, 27, 17, 30))
    assert ticket.owner is not None
    with time_machine.travel(SOLVED_AT, tick=False):
        link = services.ticket_solve(
            ticket=ticket, actor=ticket.owner, solution="更换电源模块", now=SOLVED_AT
        )
    return ticket, link


def answer(link: str, **data: Any) -> Any:
    with time_machine.travel(SOLVED_AT + timedelta(hours=2), tick=False):
        return Client().post(link, data)


def test_the_page_asks_in_chinese_without_a_login(solved: tuple[Ticket, str]) -> None:
    _ticket, link = solved
    with time_machine.travel(SOLVED_AT + timedelta(hours=1), tick=False):
        page = Client().get(link).content.decode()
    assert "您的问题解决了吗？" in page
    assert "更换电源模块" in page
    assert 'name="viewport"' in page


def test_a_content_customer_closes_the_ticket(solved: tuple[Ticket, str]) -> None:
    ticket, link = solved
    page = answer(link, solved="yes", satisfaction=4, comment="很满意").content.decode()
    assert "服务单已关闭" in page
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.satisfaction == 4
    assert ticket.closed_at == SOLVED_AT + timedelta(hours=2)


def test_solved_but_unhappy_reopens_and_escalates(solved: tuple[Ticket, str]) -> None:
    ticket, link = solved
    answer(link, solved="yes", satisfaction=2)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)
    assert Escalation.objects.filter(ticket=ticket, reason="customer_rejected").count() == 1


def test_a_second_use_shows_thanks_and_changes_nothing(solved: tuple[Ticket, str]) -> None:
    ticket, link = solved
    answer(link, solved="yes", satisfaction=5)
    page = answer(link, solved="no", satisfaction=1).content.decode()
    assert "已确认过" in page
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction, ticket.reopen_count) == (Status.CLOSED, 5, 0)
    assert Confirmation.objects.count() == 1


def test_a_tampered_link_gets_a_clear_page_and_no_change(solved: tuple[Ticket, str]) -> None:
    ticket, link = solved
    forged = link.replace(f"/confirm/{ticket.pk}.", f"/confirm/{ticket.pk + 1}.")
    forged = forged if forged != link else link[:-3] + "xyz/"
    response = answer(forged, solved="yes", satisfaction=5)
    assert response.status_code == 400
    assert "此链接无效" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert not Confirmation.objects.exists()


def test_an_expired_link_gets_a_clear_page_and_no_change(solved: tuple[Ticket, str]) -> None:
    ticket, link = solved
    with time_machine.travel(SOLVED_AT + timedelta(days=8), tick=False):
        response = Client().post(link, {"solved": "yes", "satisfaction": 5})
    assert response.status_code == 410
    assert "此链接已过期" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_missing_answer_is_asked_again_in_chinese(solved: tuple[Ticket, str]) -> None:
    ticket, link = solved
    page = answer(link, satisfaction=5).content.decode()
    assert "这个字段是必填项" in page
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_the_agent_records_a_confirmation_call(desk: Desk, solved: tuple[Ticket, str]) -> None:
    ticket, _link = solved
    client = desk.org.client_for(desk.org.agent)
    with time_machine.travel(SOLVED_AT + timedelta(hours=3), tick=False):
        client.post(
            f"/tickets/{ticket.pk}/call/",
            {"call-solved": "yes", "call-satisfaction": "5", "call-comment": "电话确认"},
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert Confirmation.objects.get().channel == "phone"
