"""The periodic sweep and the full re-plan over the whole archive."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import time_machine

from huifang.followups.models import ContactAttempt, FollowUp, FollowUpStatus
from huifang.followups.services import event_receive, followups_plan_all
from tests.followups.conftest import buy, local, plan_of, sh

NOW = sh(2026, 11, 26, 8)  # a Thursday morning
TODAY = date(2026, 11, 26)


def delivered_durable(customer: Any) -> None:
    buy(customer, "high_value_durable", purchased_on=TODAY - timedelta(days=40),
        delivered_on=TODAY - timedelta(days=35), contract_end_on=date(2027, 1, 10))  # fmt: skip


def keys() -> list[str]:
    return sorted(FollowUp.objects.values_list("dedupe_key", flat=True))


class TestSweep:
    def test_a_recent_delivery_gets_its_whole_chain(self, make_customer: Any) -> None:
        customer = make_customer()
        buy(customer, "mid_price_consumable", purchased_on=TODAY - timedelta(days=12),
            delivered_on=TODAY - timedelta(days=10))  # fmt: skip
        followups_plan_all(now=NOW, replace=False)
        purposes = [f.purpose for f in plan_of(customer) if f.status == FollowUpStatus.PLANNED]
        # The 24 h contact is long past; the 7–15 day, 30 and 90 day steps remain.
        assert purposes == ["使用初期满意度回访", "稳定期满意度回访", "长期使用体验回访"]

    def test_renewal_is_planned_60_days_before_the_contract_ends(self, make_customer: Any) -> None:
        customer = make_customer()
        buy(customer, "high_value_durable", purchased_on=date(2025, 12, 10),
            contract_end_on=date(2027, 1, 30))  # fmt: skip
        followups_plan_all(now=NOW, replace=False)
        [renewal] = [f for f in plan_of(customer) if f.rule_code == "renewal"]
        assert local(renewal.due_start) == "2026-12-01 09:00"
        assert local(renewal.scheduled_at) == "2026-12-01 09:00"

    def test_a_renewal_beyond_the_planning_horizon_waits_for_a_later_sweep(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        buy(customer, "high_value_durable", purchased_on=date(2025, 12, 10),
            contract_end_on=date(2027, 3, 30))  # fmt: skip
        followups_plan_all(now=NOW, replace=False)
        assert not [f for f in plan_of(customer) if f.rule_code == "renewal"]
        followups_plan_all(now=sh(2026, 12, 31, 8), replace=False)
        [renewal] = [f for f in plan_of(customer) if f.rule_code == "renewal"]
        assert local(renewal.due_start) == "2027-01-29 09:00"

    def test_a_consumable_is_offered_3_days_before_its_repurchase_date(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        # Consumable with a 90-day cycle bought 80 days ago: due in 10 days.
        buy(customer, "mid_price_consumable", purchased_on=TODAY - timedelta(days=80))
        followups_plan_all(now=NOW, replace=False)
        [reminder] = [f for f in plan_of(customer) if f.rule_code == "consumable_repurchase"]
        assert local(reminder.due_start) == "2026-12-03 09:00"

    def test_vip_customers_get_quarterly_care_and_key_customers_monthly(
        self, make_customer: Any
    ) -> None:
        vip, key, normal = make_customer(tier="vip"), make_customer(tier="key"), make_customer()
        for customer in (vip, key, normal):
            ContactAttempt.objects.create(customer=customer, at=sh(2026, 9, 1, 10), channel="phone")
        followups_plan_all(now=NOW, replace=False)
        rules = {c: {f.rule_code for f in plan_of(c)} for c in (vip, key, normal)}
        # Care falls on a day spread over the period; it is planned once inside the horizon.
        assert rules[vip] <= {"care_vip_quarterly"}
        assert rules[key] <= {"care_key_monthly"}
        assert rules[normal] == set()

    def test_sweeping_twice_plans_nothing_new(self, make_customer: Any) -> None:
        for n in range(5):
            customer = make_customer(tier=["vip", "key", "normal"][n % 3])
            delivered_durable(customer)
        first = followups_plan_all(now=NOW, replace=False)
        before = keys()
        again = followups_plan_all(now=NOW, replace=False)
        assert first.planned > 0
        assert again.planned == 0
        assert keys() == before


class TestReplan:
    def test_a_full_replan_gives_the_same_plan_and_keeps_work_in_progress(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        delivered_durable(customer)
        followups_plan_all(now=NOW, replace=False)
        before = keys()
        started = FollowUp.objects.filter(status=FollowUpStatus.PLANNED).first()
        assert started is not None
        started.status = FollowUpStatus.IN_PROGRESS
        started.save()
        result = followups_plan_all(now=NOW, replace=True)
        assert keys() == before
        assert result.removed == len(before) - 1
        started.refresh_from_db()
        assert started.status == FollowUpStatus.IN_PROGRESS

    def test_replan_applies_a_new_opt_out(self, make_customer: Any) -> None:
        customer = make_customer()
        buy(customer, "high_value_durable", purchased_on=TODAY - timedelta(days=40),
            delivered_on=TODAY - timedelta(days=35))  # fmt: skip
        followups_plan_all(now=NOW, replace=False)
        assert any(f.status == FollowUpStatus.PLANNED for f in plan_of(customer))
        customer.opted_out = True
        customer.save()
        followups_plan_all(now=NOW, replace=True)
        assert all(f.status == FollowUpStatus.SUPPRESSED for f in plan_of(customer))

    def test_replan_keeps_the_follow_ups_of_a_solved_ticket(self, make_customer: Any) -> None:
        customer = make_customer()
        delivered_durable(customer)
        followups_plan_all(now=NOW, replace=False)
        event_receive(
            source_ref="ticket:77", trigger="ticket_solved", customer_id=customer.pk,
            occurred_at=sh(2026, 11, 25, 15), now=NOW, problem_nature="consultation",
        )  # fmt: skip
        before = {(f.source_ref, f.purpose, f.scheduled_at) for f in plan_of(customer)}
        assert ("ticket:77", "咨询答复确认") in {(ref, purpose) for ref, purpose, _ in before}
        followups_plan_all(now=NOW, replace=True)
        after = {(f.source_ref, f.purpose, f.scheduled_at) for f in plan_of(customer)}
        assert after == before


class TestPlanChangedCustomers:
    def test_a_recorded_delivery_is_planned_without_waiting_for_the_sweep(
        self, make_customer: Any
    ) -> None:
        from huifang.followups.tasks import plan_customers

        customer, untouched = make_customer(), make_customer()
        for c in (customer, untouched):
            buy(c, "high_value_durable", purchased_on=TODAY - timedelta(days=3),
                delivered_on=TODAY - timedelta(days=1))  # fmt: skip
        with time_machine.travel(NOW, tick=False):
            plan_customers([customer.pk])
        assert [f.rule_code for f in plan_of(customer)][:1] == ["delivery_high_value"]
        assert plan_of(untouched) == []


class TestHolidayCare:
    def test_every_customer_is_greeted_before_mid_autumn_and_national_day(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        followups_plan_all(now=sh(2026, 9, 14, 8), replace=False)
        greetings = [f for f in plan_of(customer) if f.rule_code == "holiday_care"]
        assert [(f.source_ref, f.purpose, f.channel, local(f.due_start)) for f in greetings] == [
            ("holiday:2026-09-25", "节日问候", "sms", "2026-09-22 09:00"),  # 中秋节, Friday
            ("holiday:2026-10-01", "节日问候", "sms", "2026-09-28 09:00"),  # 国庆节
        ]
        # The second waits a day inside its window: routine contacts keep 7 days apart.
        assert [local(f.scheduled_at) for f in greetings] == [
            "2026-09-22 09:00",
            "2026-09-29 09:00",
        ]

    def test_a_holiday_beyond_the_horizon_waits_and_one_passed_is_not_greeted(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        followups_plan_all(now=sh(2026, 8, 20, 8), replace=False)  # National Day: 42 days on
        followups_plan_all(now=sh(2026, 10, 2, 8), replace=False)  # in the middle of it
        assert [f for f in plan_of(customer) if f.rule_code == "holiday_care"] == []

    def test_holiday_breaks_start_on_their_first_rest_day(self) -> None:
        from huifang.followups.events import holiday_starts

        days = frozenset(date(2026, 10, d) for d in range(1, 8)) | {date(2026, 9, 26)}
        assert holiday_starts(days, date(2026, 9, 1), date(2026, 10, 31)) == (
            date(2026, 9, 26),
            date(2026, 10, 1),
        )


class TestPlanFollowupsCommand:
    def test_it_re_plans_and_reports_what_it_did(self, make_customer: Any) -> None:
        from io import StringIO

        from django.core.management import call_command

        customer = make_customer()
        delivered_durable(customer)
        out = StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("plan_followups", "--replace", "--workers", "1", "--no-progress",
                         stdout=out)  # fmt: skip
        assert "customers=1 " in out.getvalue()
        assert f"planned={len(plan_of(customer))} " in out.getvalue()
        assert plan_of(customer)
