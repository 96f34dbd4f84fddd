"""Progress is logged; the customer is told by email when we have one, else by phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from huifang.customers.models import Contact
from huifang.tickets import services
from huifang.tickets.models import TicketUpdate
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
NOW = sh(2026, 11, 24, 10)


def test_a_customer_with_an_email_gets_the_update_by_email(
    desk: Desk, make_customer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = make_customer()
    Contact.objects.create(customer=customer, name="张伟", email="zhangwei@example.cn")
    ticket = desk.open(customer, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_add_update(
            ticket=ticket, actor=desk.org.technician, body="工程师明天上午上门", to_customer=True,
            now=sh(2026, 11, 24, 11),
        )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["zhangwei@example.cn"]]
    assert "工程师明天上午上门" in mail.outbox[0].body
    assert TicketUpdate.objects.get().delivery == "email"


def test_without_an_email_the_update_is_to_be_told_by_phone(
    desk: Desk, make_customer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = desk.open(make_customer(), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_add_update(
            ticket=ticket, actor=desk.org.technician, body="配件已寄出", to_customer=True,
            now=sh(2026, 11, 24, 11),
        )  # fmt: skip
    assert mail.outbox == []
    assert TicketUpdate.objects.get().delivery == "phone"
    ticket.refresh_from_db()
    assert ticket.first_response_at == sh(2026, 11, 24, 11)
    assert ticket.status == "in_progress"


def test_an_internal_note_is_not_a_response(desk: Desk, make_customer: Any) -> None:
    ticket = desk.open(make_customer(), now=NOW)
    services.ticket_add_update(
        ticket=ticket, actor=desk.org.technician, body="怀疑是电源问题", to_customer=False,
        now=sh(2026, 11, 24, 11),
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.status == "new"


def test_an_empty_update_is_refused_in_chinese(desk: Desk, make_customer: Any) -> None:
    ticket = desk.open(make_customer(), now=NOW)
    client = desk.org.client_for(desk.org.technician)
    response = client.post(f"/tickets/{ticket.pk}/update/", {"body": "  "}, follow=True)
    assert "这个字段是必填项" in response.content.decode()
    assert not TicketUpdate.objects.exists()
