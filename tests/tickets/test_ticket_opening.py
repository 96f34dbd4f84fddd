"""Opening a ticket by hand, from a follow-up, or from another system."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from huifang.audit.models import AuditEntry
from huifang.followups.models import FollowUp
from huifang.tickets import services
from huifang.tickets.models import Attachment, Ticket
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db
NOW = sh(2026, 11, 24, 10)


def test_an_agent_opens_a_ticket_with_an_attachment(desk: Desk, make_customer: Any) -> None:
    customer = make_customer()
    photo = SimpleUploadedFile("故障照片.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")
    with time_machine.travel(NOW, tick=False):
        response = desk.org.client_for(desk.org.agent).post(
            "/tickets/new/",
            {"customer": customer.pk, "category": "quality_fault", "severity": "major",
             "description": "打印机卡纸", "attachment": photo},
        )  # fmt: skip
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.title, ticket.source, ticket.created_by) == (
        "打印机卡纸",
        "phone",
        desk.org.agent,
    )
    assert Attachment.objects.get().name == "故障照片.jpg"
    assert AuditEntry.objects.filter(target_id=ticket.pk, action="create").exists()


def test_a_forbidden_file_type_is_refused_in_chinese(desk: Desk, make_customer: Any) -> None:
    script = SimpleUploadedFile("run.exe", b"MZ" * 10, "application/octet-stream")
    response = desk.org.client_for(desk.org.agent).post(
        "/tickets/new/",
        {"customer": make_customer().pk, "category": "quality_fault", "severity": "major",
         "description": "打印机卡纸", "attachment": script},
    )  # fmt: skip
    assert "不能上传 .exe 类型的文件" in response.content.decode()
    assert not Ticket.objects.exists()


def test_another_teams_customer_cannot_be_used(desk: Desk, make_customer: Any) -> None:
    theirs = make_customer(team=desk.org.south, owner=desk.org.other_agent)
    response = desk.org.client_for(desk.org.agent).post(
        "/tickets/new/",
        {"customer": theirs.pk, "category": "staff_attitude", "severity": "general",
         "description": "态度差"},
    )  # fmt: skip
    assert "没有您可查看的该编号客户" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_complaint_marks_the_customers_last_complaint(desk: Desk, make_customer: Any) -> None:
    customer = make_customer()
    desk.open(customer, category="product_function", severity="general", now=sh(2026, 11, 20))
    customer.refresh_from_db()
    assert customer.last_complaint_at is None
    desk.open(customer, category="staff_attitude", severity="general", now=NOW)
    customer.refresh_from_db()
    assert customer.last_complaint_at == NOW


def test_the_same_category_within_the_window_is_a_repeat(desk: Desk, make_customer: Any) -> None:
    customer = make_customer()
    first = desk.open(customer, now=sh(2026, 10, 30))
    second = desk.open(customer, now=sh(2026, 11, 10))
    third = desk.open(customer, now=sh(2026, 11, 24))
    other = desk.open(customer, category="staff_attitude", now=NOW)
    assert [t.is_repeat for t in (first, second, third, other)] == [False, True, True, False]
    assert (second.repeat_count, third.repeat_count) == (2, 3)
    # 35 days later the October ticket has left the 30-day window.
    assert desk.open(customer, now=sh(2026, 12, 4)).repeat_count == 3


def test_the_repeat_window_is_configurable(desk: Desk, make_customer: Any) -> None:
    config = services.ticket_settings()
    config.repeat_window_days = 7
    config.save()
    customer = make_customer()
    desk.open(customer, now=sh(2026, 11, 10))
    assert not desk.open(customer, now=sh(2026, 11, 24)).is_repeat


def test_a_follow_up_becomes_a_ticket_in_one_step(desk: Desk, make_customer: Any) -> None:
    customer = make_customer()
    followup = FollowUp.objects.create(
        customer=customer, rule_code="delivery", step_index=0, trigger="delivery",
        source_ref="order:1", purpose="交付回访", channel="phone", due_start=NOW, due_end=NOW,
        importance=50, routine=True, dedupe_key="x", planned_at=NOW,
    )  # fmt: skip
    ticket = services.ticket_create_from_followup(
        followup_id=followup.pk, actor=desk.org.agent, category="product_function",
        severity="general", description="希望增加夜间模式", now=NOW,
    )  # fmt: skip
    assert (ticket.customer, ticket.followup, ticket.source) == (customer, followup, "followup")
    assert ticket.department == desk.product


def test_an_external_ticket_arrives_once(desk: Desk, make_customer: Any) -> None:
    data = services.NewTicket(
        customer_id=make_customer().pk, category="quality_fault", severity="major",
        description="外部系统报修", external_id="CRM-88",
    )  # fmt: skip
    first, created = services.ticket_receive_external(data=data, now=NOW)
    again, created_again = services.ticket_receive_external(data=data, now=NOW)
    assert (created, created_again, again) == (True, False, first)
    assert Ticket.objects.count() == 1


def test_an_unknown_customer_is_refused_without_a_ticket(desk: Desk) -> None:
    data = services.NewTicket(
        customer_id=999999, category="quality_fault", severity="major", description="x"
    )
    with pytest.raises(services.TicketError, match="该客户不存在"):
        services.ticket_create(data=data, actor=None, now=NOW)
    assert not Ticket.objects.exists()
