"""Events in, follow-ups at the right moments out: the S002/S004 examples end to end."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from huifang.followups.models import ContactAttempt, FollowUp, PlanningEvent
from huifang.followups.services import PlanningError, event_receive
from tests.conftest import Org
from tests.followups.conftest import codes, local, plan_of, sh

THU_10 = sh(2026, 11, 26, 10)


def solved(customer: Any, at: Any, **event: Any) -> None:
    event_receive(
        source_ref=f"ticket:{customer.pk}:{at.isoformat()}",
        trigger="ticket_solved",
        customer_id=customer.pk,
        occurred_at=at,
        now=at,
        **event,
    )


def delivered(customer: Any, at: Any, product_class: str) -> None:
    event_receive(
        source_ref=f"delivery:{customer.pk}:{at.isoformat()}",
        trigger="delivery",
        customer_id=customer.pk,
        occurred_at=at,
        now=at,
        product_class=product_class,
    )


class TestTicketSolved:
    def test_a_normal_problem_solved_in_the_evening_is_checked_next_morning(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        solved(customer, sh(2026, 11, 26, 19, 30), problem_nature="normal_problem")
        [followup] = plan_of(customer)
        assert local(followup.scheduled_at) == "2026-11-27 09:00"
        assert followup.rule_code == "ticket_solved"
        # Within 24 h, at the latest 3 working days after the first working moment (S002).
        assert local(followup.due_end) == "2026-12-02 09:00"

    def test_normal_low_price_consultation_same_day_then_after_three_days(
        self, make_customer: Any
    ) -> None:
        customer = make_customer(tier="normal")
        solved(
            customer, THU_10, problem_nature="consultation", product_class="low_price_fast_moving"
        )
        same_day, light_check = plan_of(customer)
        assert same_day.rule_code == "ticket_consultation_normal_low_price"
        assert local(same_day.scheduled_at) == "2026-11-26 10:00"
        # +3 days is Sunday 11-29: moved to Monday morning.
        assert local(light_check.due_start) == "2026-11-29 10:00"
        assert local(light_check.scheduled_at) == "2026-11-30 09:00"
        assert "rest_day" in codes(light_check)

    def test_a_problem_solved_at_lunch_is_checked_when_the_office_reopens(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        solved(customer, sh(2026, 11, 26, 12, 30), problem_nature="normal_problem")
        [followup] = plan_of(customer)
        assert local(followup.scheduled_at) == "2026-11-26 14:00"

    def test_the_same_event_twice_plans_once(self, make_customer: Any) -> None:
        customer = make_customer()
        solved(customer, THU_10, problem_nature="normal_problem")
        solved(customer, THU_10, problem_nature="normal_problem")
        assert FollowUp.objects.filter(customer=customer).count() == 1
        assert PlanningEvent.objects.count() == 1


class TestDelivery:
    def test_a_high_value_delivery_before_national_day_waits_for_the_holiday_to_end(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        delivered(customer, sh(2026, 9, 30, 10), "high_value_durable")
        runs, training, review = plan_of(customer)
        assert runs.rule_code == "delivery_high_value"
        assert local(runs.due_start) == "2026-10-01 10:00"
        # 2026-10-01…07 are holidays; Thursday 10-08 is the first working day.
        assert local(runs.scheduled_at) == "2026-10-08 09:00"
        assert local(training.scheduled_at) == "2026-10-30 10:00"
        assert local(review.scheduled_at) == "2026-12-29 10:00"

    def test_an_adjusted_working_saturday_is_a_contact_day(self, make_customer: Any) -> None:
        customer = make_customer()
        delivered(customer, sh(2026, 10, 9, 10), "high_value_durable")
        runs = plan_of(customer)[0]
        # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休).
        assert local(runs.scheduled_at) == "2026-10-10 10:00"

    def test_an_ordinary_saturday_is_not(self, make_customer: Any) -> None:
        customer = make_customer()
        delivered(customer, sh(2026, 11, 27, 10), "high_value_durable")
        runs = plan_of(customer)[0]
        assert local(runs.due_start) == "2026-11-28 10:00"
        assert local(runs.scheduled_at) == "2026-11-30 09:00"

    def test_the_standard_chain_is_24_hours_then_7_30_and_90_days(self, make_customer: Any) -> None:
        customer = make_customer()
        delivered(customer, sh(2026, 11, 2, 10), "mid_price_consumable")
        followups = plan_of(customer)
        assert [local(f.due_start) for f in followups] == [
            "2026-11-03 10:00",
            "2026-11-09 10:00",
            "2026-12-02 10:00",
            "2027-01-31 10:00",
        ]


class TestContactLimits:
    def test_a_third_contact_within_72_hours_moves_until_the_cap_frees(
        self, make_customer: Any
    ) -> None:
        customer = make_customer()
        for at in (sh(2026, 11, 25, 10), sh(2026, 11, 26, 9)):
            ContactAttempt.objects.create(customer=customer, at=at, channel="phone")
        solved(customer, THU_10, problem_nature="normal_problem")
        [followup] = plan_of(customer)
        # 72 h after Wednesday 10:00 is Saturday 10:00: the next working moment is Monday.
        assert local(followup.scheduled_at) == "2026-11-30 09:00"
        assert "frequency_cap" in codes(followup)

    def test_an_opted_out_customer_gets_no_follow_up(self, make_customer: Any) -> None:
        customer = make_customer(opted_out=True)
        delivered(customer, THU_10, "high_value_durable")
        followups = plan_of(customer)
        assert followups and all(f.status == "suppressed" for f in followups)
        assert all(f.scheduled_at is None for f in followups)
        assert all(codes(f) == {"opted_out"} for f in followups)

    def test_the_preferred_time_window_is_honoured(self, make_customer: Any) -> None:
        customer = make_customer(preferred_window_start=time(15), preferred_window_end=time(17))
        solved(customer, THU_10, problem_nature="normal_problem")
        [followup] = plan_of(customer)
        assert local(followup.scheduled_at) == "2026-11-26 15:00"
        assert "outside_preferred_window" in codes(followup)

    def test_a_refused_channel_is_replaced(self, make_customer: Any) -> None:
        customer = make_customer(refused_channels=["sms"])
        solved(
            customer, THU_10, problem_nature="consultation", product_class="low_price_fast_moving"
        )
        light_check = plan_of(customer)[1]
        assert light_check.channel != "sms"
        assert "channel_switched" in codes(light_check)

    def test_vip_follow_ups_go_to_the_team_supervisor(self, make_customer: Any, org: Org) -> None:
        org.east.supervisor = org.supervisor
        org.east.save()
        customer = make_customer(tier="vip")
        solved(customer, THU_10, problem_nature="normal_problem")
        assert plan_of(customer)[0].owner == org.supervisor
        other = make_customer(tier="normal")
        solved(other, THU_10, problem_nature="normal_problem")
        assert plan_of(other)[0].owner == org.agent


@pytest.mark.django_db
class TestBadEvents:
    def test_it_names_an_unknown_customer(self) -> None:
        with pytest.raises(PlanningError, match="customer 999 does not exist"):
            event_receive(
                source_ref="x", trigger="delivery", customer_id=999, occurred_at=THU_10,
                now=THU_10,
            )  # fmt: skip

    def test_it_names_an_unknown_trigger(self, make_customer: Any) -> None:
        customer = make_customer()
        with pytest.raises(PlanningError, match="unknown trigger"):
            event_receive(
                source_ref="x", trigger="birthday", customer_id=customer.pk, occurred_at=THU_10,
                now=THU_10,
            )  # fmt: skip
        assert not PlanningEvent.objects.exists()
