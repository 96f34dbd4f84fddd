"""Outcomes of a call (F9): completed, busy, unreachable, refused; and "found a problem"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from huifang.customers.models import Customer
from huifang.followups.models import ContactAttempt, FollowUp, FollowUpStatus
from huifang.surveys.models import Answer
from huifang.tickets.models import Ticket
from huifang.workspace import services
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup, sh


@pytest.fixture(autouse=True)
def thursday(time_machine: Any) -> None:
    time_machine.move_to(THURSDAY_10, tick=False)


def claimed(org: Org, **fields: object) -> tuple[FollowUp, Client]:
    f = followup(customer(team=org.east, owner=org.agent), **fields)  # type: ignore[arg-type]
    client = org.client_for(org.agent)
    client.post(reverse("workspace:claim", args=[f.pk]))
    return f, client


def post(client: Client, name: str, f: FollowUp, data: dict[str, str] | None = None) -> object:
    return client.post(reverse(f"workspace:{name}", args=[f.pk]), data or {})


ROUTINE_ANSWERS = {"stable": "yes", "process": "非常顺畅", "satisfaction": "5"}


class TestCompleted:
    def test_answers_saved_while_typing_complete_the_follow_up(self, org: Org) -> None:
        f, client = claimed(org)
        for key, value in ROUTINE_ANSWERS.items():
            saved = post(client, "answer", f, {"key": key, key: value})
            assert "已保存" in saved.content.decode()  # type: ignore[attr-defined]
        assert Answer.objects.count() == 3

        post(client, "complete", f, {"note": "客户很满意"})

        f.refresh_from_db()
        assert f.status == FollowUpStatus.DONE
        attempt = ContactAttempt.objects.get(followup=f)
        assert (attempt.result, attempt.agent, attempt.note) == (
            "completed",
            org.agent,
            "客户很满意",
        )
        assert not Ticket.objects.exists()

    def test_a_low_score_opens_a_ticket(self, org: Org) -> None:
        f, client = claimed(org)
        post(client, "complete", f, {**ROUTINE_ANSWERS, "satisfaction": "1"})
        ticket = Ticket.objects.get()
        assert (ticket.source, ticket.followup_id, ticket.created_by) == ("survey", f.pk, org.agent)

    def test_a_missing_answer_is_named_and_nothing_is_recorded(self, org: Org) -> None:
        f, client = claimed(org)
        page = post(client, "complete", f, {"stable": "no", "satisfaction": "4"})
        text = page.content.decode()  # type: ignore[attr-defined]
        assert page.status_code == 400  # type: ignore[attr-defined]
        assert "请回答这个问题" in text
        f.refresh_from_db()
        assert f.status == FollowUpStatus.IN_PROGRESS
        assert not ContactAttempt.objects.exists()

    def test_an_invalid_score_typed_is_refused_in_chinese(self, org: Org) -> None:
        f, client = claimed(org)
        saved = post(client, "answer", f, {"key": "satisfaction", "satisfaction": "9"})
        assert "请选择 1 到 5 之间的分数" in saved.content.decode()  # type: ignore[attr-defined]
        assert not Answer.objects.exists()

    def test_only_the_agent_who_claimed_it_can_record_the_outcome(self, org: Org) -> None:
        f, _client = claimed(org)
        other = Client()
        other.force_login(org.supervisor)
        post(other, "complete", f, ROUTINE_ANSWERS)
        f.refresh_from_db()
        assert f.status == FollowUpStatus.IN_PROGRESS


class TestBusy:
    def test_the_customer_is_called_back_at_the_time_they_name(self, org: Org) -> None:
        f, client = claimed(org)
        post(client, "busy", f, {"at": "2026-11-27T10:30", "note": "在开会"})
        f.refresh_from_db()
        assert (f.status, f.scheduled_at, f.claimed_by) == (
            FollowUpStatus.PLANNED,
            sh(2026, 11, 27, 10, 30),
            None,
        )
        assert ContactAttempt.objects.get(followup=f).result == "busy"
        assert "客户忙，约定 2026-11-27 10:30 回电" in f.reasons[-1]["detail"]

    @pytest.mark.parametrize(
        ("at", "why"),
        [
            ("2026-11-26T12:30", "2026-11-26 12:30 不在联系时间内"),
            ("2026-11-26T19:00", "不在联系时间内"),
            ("2026-11-28T10:00", "2026-11-28 不是工作日"),  # a Saturday
            ("2026-11-25T10:00", "请选择将来的时间"),
        ],
    )
    def test_a_time_outside_the_policy_is_refused_with_the_reason(
        self, org: Org, at: str, why: str
    ) -> None:
        f, client = claimed(org)
        page = post(client, "busy", f, {"at": at})
        assert page.status_code == 400  # type: ignore[attr-defined]
        assert why in page.content.decode()  # type: ignore[attr-defined]
        f.refresh_from_db()
        assert (f.status, f.scheduled_at) == (FollowUpStatus.IN_PROGRESS, THURSDAY_10)
        assert not ContactAttempt.objects.exists()

    def test_lunch_time_suggests_the_afternoon(self, org: Org) -> None:
        f, client = claimed(org)
        page = post(client, "busy", f, {"at": "2026-11-26T12:30"})
        assert "最早可约" in page.content.decode()  # type: ignore[attr-defined]
        assert "2026-11-26 14:00" in page.content.decode()  # type: ignore[attr-defined]

    def test_two_contacts_already_this_week_refuse_a_third_within_72_hours(self, org: Org) -> None:
        f, client = claimed(org)
        for hours_ago in (48, 24):
            ContactAttempt.objects.create(
                customer=f.customer, at=THURSDAY_10 - timedelta(hours=hours_ago),
                channel="phone", routine=False, result="completed",
            )  # fmt: skip
        page = post(client, "busy", f, {"at": "2026-11-26T15:00"})
        assert "联系过于频繁：72 小时内最多联系 2 次" in page.content.decode()  # type: ignore[attr-defined]


class TestUnreachable:
    def test_three_tries_on_different_working_days_then_it_gives_up(
        self, org: Org, time_machine: Any
    ) -> None:
        f, client = claimed(org)
        days = []
        for _ in range(3):
            f.refresh_from_db()
            assert f.scheduled_at is not None
            time_machine.move_to(f.scheduled_at + timedelta(minutes=5), tick=False)
            client.post(reverse("workspace:claim", args=[f.pk]))
            post(client, "unreachable", f)
            days.append(timezone.localdate(ContactAttempt.objects.latest("at").at))
        f.refresh_from_db()
        assert f.status == FollowUpStatus.CANCELLED
        assert "3 次未接通，已放弃" in f.reasons[-1]["detail"]
        assert len(set(days)) == 3
        # Thursday, then Friday, then Monday: the weekend is skipped.
        assert [d.isoweekday() for d in days] == [4, 5, 1]

    def test_the_next_try_is_on_the_next_working_day(self, org: Org) -> None:
        f, client = claimed(org)
        post(client, "unreachable", f)
        f.refresh_from_db()
        assert f.status == FollowUpStatus.PLANNED
        assert f.scheduled_at == sh(2026, 11, 27, 9)


class TestRefused:
    def test_refusing_the_channel_stops_routine_contact_on_it(self, org: Org) -> None:
        f, client = claimed(org)
        later_call = followup(f.customer, scheduled_at=sh(2026, 12, 10, 10))
        later_sms = followup(f.customer, scheduled_at=sh(2026, 12, 11, 10), channel="sms")
        urgent_call = followup(f.customer, scheduled_at=sh(2026, 12, 12, 10), routine=False)

        post(client, "refused", f, {"scope": "channel"})

        customer = Customer.objects.get(pk=f.customer_id)
        assert (customer.refused_channels, customer.opted_out) == (["phone"], False)
        statuses = {
            x.pk: x.status
            for x in FollowUp.objects.filter(pk__in=[f.pk, later_call.pk, later_sms.pk,
                                                     urgent_call.pk])
        }  # fmt: skip
        assert statuses == {
            f.pk: FollowUpStatus.CANCELLED,
            later_call.pk: FollowUpStatus.SUPPRESSED,
            later_sms.pk: FollowUpStatus.PLANNED,
            urgent_call.pk: FollowUpStatus.PLANNED,
        }
        assert ContactAttempt.objects.get(followup=f).result == "refused"

    def test_opting_out_is_stored_on_the_customer(self, org: Org) -> None:
        f, client = claimed(org)
        other = followup(f.customer, scheduled_at=sh(2026, 12, 11, 10), channel="email")
        post(client, "refused", f, {"scope": "all"})
        assert Customer.objects.get(pk=f.customer_id).opted_out
        other.refresh_from_db()
        assert other.status == FollowUpStatus.SUPPRESSED


def test_found_a_problem_opens_a_ticket_in_one_step(org: Org) -> None:
    f, client = claimed(org)
    page = client.post(
        reverse("workspace:problem", args=[f.pk]),
        {"category": "quality_fault", "severity": "major", "description": "打印机卡纸频繁"},
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert (ticket.followup_id, ticket.customer_id, ticket.source) == (
        f.pk, f.customer_id, "followup",
    )  # fmt: skip
    assert f"已为此问题创建工单 {ticket.number}" in page.content.decode()
    f.refresh_from_db()
    assert f.status == FollowUpStatus.IN_PROGRESS  # the call goes on


def test_an_outcome_without_a_claim_is_refused(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent))
    with pytest.raises(services.WorkspaceError, match="尚未开始处理"):
        services.followup_unreachable(followup=f, user=org.agent, now=THURSDAY_10)
