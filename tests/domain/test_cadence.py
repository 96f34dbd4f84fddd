"""Cadence: events planned into follow-ups and resolved against the contact policy
(F1–F6), end to end on the real 2026 mainland calendar.

2026-11-27 is a Friday; 2026-10-01…07 is National Day; Saturday 2026-10-10 and
Saturday 2026-02-14 are 调休 working days; 2026-02-17 is Spring Festival.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huifang.domain.cadence import (
    DEFAULT_RULES,
    Action,
    Adjustment,
    CadenceError,
    CadenceRule,
    Conditions,
    Event,
    Offset,
    OffsetUnit,
    PlannedFollowUp,
    ProblemNature,
    Step,
    Trigger,
    plan_event,
    resolve,
    select_rule,
)
from huifang.domain.calendar import SHANGHAI
from huifang.domain.china_holidays import mainland_calendar
from huifang.domain.classification import ProductClass, Tier
from huifang.domain.contact_policy import (
    Channel,
    Contact,
    ContactRules,
    Preferences,
    ReasonCode,
    check,
)

MAINLAND = mainland_calendar()
R = ReasonCode
HV = ProductClass.HIGH_VALUE_DURABLE
MID = ProductClass.MID_PRICE_CONSUMABLE
LOW = ProductClass.LOW_PRICE_FAST_MOVING
URGENT = ProblemNature.URGENT_FAULT
NORMAL_PROBLEM = ProblemNature.NORMAL_PROBLEM
CONSULTATION = ProblemNature.CONSULTATION


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def event(trigger: Trigger, at: datetime, **fields: Any) -> Event:
    values: dict[str, Any] = {
        "customer_id": 1,
        "source_ref": "ticket:7" if trigger is Trigger.TICKET_SOLVED else "purchase:42",
        "tier": Tier.NORMAL,
    }
    values.update(fields)
    return Event(trigger=trigger, occurred_at=at, **values)


def run(
    *events: Event, rules: tuple[CadenceRule, ...] = DEFAULT_RULES, **overrides: Any
) -> list[Adjustment]:
    planned = [f for e in events for f in plan_event(e, rules, MAINLAND)]
    args: dict[str, Any] = {
        "existing": (),
        "history": (),
        "prefs": Preferences(),
        "calendar": MAINLAND,
        "contact_rules": ContactRules(),
        "now": min(e.occurred_at for e in events),
    }
    args.update(overrides)
    return resolve(planned, **args)


def by_purpose(adjustments: list[Adjustment]) -> dict[str, Adjustment]:
    return {a.followup.purpose: a for a in adjustments}


def codes(adjustment: Adjustment) -> list[ReasonCode]:
    return [r.code for r in adjustment.reasons]


def service(*moments: datetime) -> tuple[Contact, ...]:
    return tuple(Contact(m, Channel.PHONE, routine=False) for m in moments)


KEEP, MOVE, MERGE, SUPPRESS = Action.KEEP, Action.MOVE, Action.MERGE, Action.SUPPRESS

# --- end to end: event → follow-ups at the right moments --------------------------------


@pytest.mark.parametrize(
    ("ev", "expected"),
    [
        pytest.param(
            event(Trigger.TICKET_SOLVED, sh(2026, 11, 27, 17), tier=Tier.VIP, product_class=HV,
                  problem_nature=URGENT),
            [("确认修复效果", KEEP, sh(2026, 11, 27, 17)),
             ("跟进使用感受", KEEP, sh(2026, 11, 30, 17)),
             ("满意度调查", KEEP, sh(2026, 12, 2, 17))],
            id="vip-high-value-urgent-fault-friday-17:00-confirmed-before-18:00",
        ),
        pytest.param(
            event(Trigger.TICKET_SOLVED, sh(2026, 11, 27, 18, 30), problem_nature=URGENT),
            [("确认修复效果", KEEP, sh(2026, 11, 30, 9)),
             ("跟进使用感受", MOVE, sh(2026, 12, 1, 9)),
             ("满意度调查", MOVE, sh(2026, 12, 3, 9))],
            id="urgent-fault-friday-evening-waits-for-monday-09:00",
        ),
        pytest.param(
            event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=URGENT),
            [("确认修复效果", KEEP, sh(2026, 11, 24, 10)),
             ("跟进使用感受", KEEP, sh(2026, 11, 25, 10)),
             ("满意度调查", KEEP, sh(2026, 11, 27, 10))],
            id="urgent-fault-tuesday-survey-exactly-72h-after-first-call",
        ),
        pytest.param(
            event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 12, 10), problem_nature=URGENT),
            [("确认修复效果", KEEP, sh(2026, 11, 24, 14)),
             ("跟进使用感受", MOVE, sh(2026, 11, 25, 14)),
             ("满意度调查", MOVE, sh(2026, 11, 27, 14))],
            id="urgent-fault-solved-at-lunch",
        ),
        pytest.param(
            event(Trigger.TICKET_SOLVED, sh(2026, 11, 25, 10), product_class=LOW,
                  problem_nature=CONSULTATION),
            [("咨询答复确认", KEEP, sh(2026, 11, 25, 10)),
             ("咨询后简单跟进", MOVE, sh(2026, 11, 30, 9))],
            id="normal-low-price-consultation-same-day-then-3-days-past-weekend",
        ),
        pytest.param(
            event(Trigger.TICKET_SOLVED, sh(2026, 11, 23, 10), tier=Tier.KEY, product_class=HV,
                  problem_nature=CONSULTATION),
            [("咨询答复确认", KEEP, sh(2026, 11, 23, 10)),
             ("咨询后简单跟进", KEEP, sh(2026, 11, 26, 10))],
            id="consultation-then-light-check-at-3-days",
        ),
        pytest.param(
            event(Trigger.DELIVERY, sh(2026, 11, 27, 15), product_class=MID),
            [("首次回访", MOVE, sh(2026, 11, 30, 9)),
             ("使用初期满意度回访", KEEP, sh(2026, 12, 4, 15)),
             ("稳定期满意度回访", MOVE, sh(2026, 12, 28, 9)),
             ("长期使用体验回访", KEEP, sh(2027, 2, 25, 15))],
            id="delivery-friday-24h-7d-30d-90d",
        ),
        pytest.param(
            event(Trigger.DELIVERY, sh(2026, 6, 1, 10), product_class=HV),
            [("确认设备运行状态", KEEP, sh(2026, 6, 2, 10)),
             ("操作培训需求回访", KEEP, sh(2026, 7, 1, 10)),
             ("性能评估回访", MOVE, sh(2026, 8, 31, 9))],
            id="high-value-delivery-3-days-1-month-3-months",
        ),
        pytest.param(
            event(Trigger.REPURCHASE_DUE, sh(2026, 12, 1, 9), product_class=LOW,
                  reference_at=sh(2026, 12, 18)),
            [("复购提醒", MOVE, sh(2026, 12, 15, 9))],
            id="consumable-3-days-before-repurchase-date",
        ),
        pytest.param(
            event(Trigger.RENEWAL_APPROACHING, sh(2026, 10, 12, 9), reference_at=sh(2027, 1, 31)),
            [("续约沟通", MOVE, sh(2026, 12, 2, 9))],
            id="renewal-60-days-before-contract-end",
        ),
        pytest.param(
            event(Trigger.HOLIDAY_CARE, sh(2026, 2, 1, 9), source_ref="holiday:2026-spring",
                  reference_at=sh(2026, 2, 17)),
            [("节日问候", MOVE, sh(2026, 2, 14, 9))],
            id="spring-festival-greeting-on-tiaoxiu-saturday",
        ),
        pytest.param(
            event(Trigger.PERIODIC_CARE, sh(2026, 11, 2, 9), tier=Tier.VIP,
                  source_ref="care:2026-q4"),
            [("季度深度关怀", MOVE, sh(2026, 11, 3, 9))],
            id="vip-quarterly-care-announced-a-day-ahead",
        ),
        pytest.param(
            event(Trigger.FEATURE_RELEASE, sh(2026, 9, 30, 15), source_ref="release:5.2"),
            [("产品升级告知", KEEP, sh(2026, 10, 8, 15))],
            id="feature-release-next-working-day-after-national-day",
        ),
    ],
)  # fmt: skip
def test_event_to_follow_ups(ev: Event, expected: list[tuple[str, Action, datetime]]) -> None:
    adjustments = run(ev)
    got = sorted(
        ((a.followup.purpose, a.action, a.at) for a in adjustments),
        key=lambda x: x[2] or sh(2100, 1, 1),
    )
    assert got == expected


def test_friday_fix_confirmation_is_due_within_two_working_hours() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 27, 17), tier=Tier.VIP, product_class=HV,
               problem_nature=URGENT)  # fmt: skip
    confirm = plan_event(ev, DEFAULT_RULES, MAINLAND)[0]
    assert confirm.rule_code == "ticket_vip_high_value_urgent"
    # One working hour on Friday (17–18), one on Monday (09–10).
    assert (confirm.due_start, confirm.due_end) == (sh(2026, 11, 27, 17), sh(2026, 11, 30, 10))


@pytest.mark.parametrize(
    ("solved", "due_start", "due_end"),
    [
        pytest.param(sh(2026, 9, 30, 17), sh(2026, 9, 30, 17), sh(2026, 10, 10, 17),
                     id="3-working-days-are-oct-8-9-and-tiaoxiu-saturday"),
        pytest.param(sh(2026, 9, 30, 18, 30), sh(2026, 10, 8, 9), sh(2026, 10, 12, 9),
                     id="solved-after-hours-starts-oct-8"),
        pytest.param(sh(2026, 11, 24, 10), sh(2026, 11, 24, 10), sh(2026, 11, 27, 10),
                     id="ordinary-week"),
    ],
)  # fmt: skip
def test_normal_problem_window_is_three_working_days(
    solved: datetime, due_start: datetime, due_end: datetime
) -> None:
    ev = event(Trigger.TICKET_SOLVED, solved, problem_nature=NORMAL_PROBLEM)
    (followup,) = plan_event(ev, DEFAULT_RULES, MAINLAND)
    assert (followup.due_start, followup.due_end) == (due_start, due_end)


def test_post_solution_call_waits_through_national_day_when_the_cap_is_full() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 9, 30, 17, 30), problem_nature=NORMAL_PROBLEM)
    # Two calls while the ticket was worked on; the cap frees on 10-02, a holiday.
    history = service(sh(2026, 9, 29, 10), sh(2026, 9, 30, 10))
    (adjustment,) = run(ev, history=history)
    assert adjustment.action is MOVE
    assert adjustment.at == sh(2026, 10, 8, 9)
    assert codes(adjustment) == [R.FREQUENCY_CAP, R.REST_DAY]


# --- choosing the rule (F3) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("ev", "expected"),
    [
        pytest.param(event(Trigger.TICKET_SOLVED, sh(2026, 11, 2), tier=Tier.VIP, product_class=HV,
                           problem_nature=URGENT), "ticket_vip_high_value_urgent",
                     id="vip-high-value-urgent"),
        pytest.param(event(Trigger.TICKET_SOLVED, sh(2026, 11, 2), tier=Tier.KEY, product_class=HV,
                           problem_nature=URGENT), "ticket_urgent_fault", id="key-urgent"),
        pytest.param(event(Trigger.TICKET_SOLVED, sh(2026, 11, 2), severity="major"),
                     "ticket_severe", id="unclassified-major-severity"),
        pytest.param(event(Trigger.TICKET_SOLVED, sh(2026, 11, 2)), "ticket_solved",
                     id="unclassified-ticket-gets-the-baseline"),
        pytest.param(event(Trigger.TICKET_SOLVED, sh(2026, 11, 2), product_class=LOW,
                           problem_nature=CONSULTATION), "ticket_consultation_normal_low_price",
                     id="normal-low-price-consultation"),
        pytest.param(event(Trigger.TICKET_SOLVED, sh(2026, 11, 2), tier=Tier.KEY, product_class=LOW,
                           problem_nature=CONSULTATION), "ticket_consultation",
                     id="key-low-price-consultation"),
        pytest.param(event(Trigger.DELIVERY, sh(2026, 11, 2), product_class=HV),
                     "delivery_high_value", id="high-value-delivery"),
        pytest.param(event(Trigger.DELIVERY, sh(2026, 11, 2)), "delivery_standard",
                     id="delivery-of-unknown-class"),
        pytest.param(event(Trigger.PERIODIC_CARE, sh(2026, 11, 2), tier=Tier.VIP),
                     "care_vip_quarterly", id="vip-quarterly"),
        pytest.param(event(Trigger.PERIODIC_CARE, sh(2026, 11, 2), tier=Tier.KEY),
                     "care_key_monthly", id="key-monthly"),
        pytest.param(event(Trigger.PERIODIC_CARE, sh(2026, 11, 2), tier=Tier.KEY,
                           segments=frozenset({"long_term"})), "care_long_term_quarterly",
                     id="long-term-key-quarterly-beats-monthly"),
        pytest.param(event(Trigger.PERIODIC_CARE, sh(2026, 11, 2)), None,
                     id="normal-customer-no-periodic-care"),
        pytest.param(event(Trigger.REPURCHASE_DUE, sh(2026, 11, 2), product_class=HV), None,
                     id="durables-have-no-repurchase-reminder"),
        pytest.param(event(Trigger.PURCHASE, sh(2026, 11, 2)), None, id="purchase-no-default"),
    ],
)  # fmt: skip
def test_select_rule(ev: Event, expected: str | None) -> None:
    rule = select_rule(ev, DEFAULT_RULES)
    assert (rule.code if rule else None) == expected


def test_inactive_rules_are_ignored_and_ties_go_to_priority_then_code() -> None:
    step = Step(Offset(1, OffsetUnit.DAYS), Offset(1, OffsetUnit.DAYS), Channel.SMS, "问候",
                "routine_care", "", 10)  # fmt: skip
    a = CadenceRule("a", "甲", Trigger.PURCHASE, Conditions(), (step,))
    b = CadenceRule("b", "乙", Trigger.PURCHASE, Conditions(), (step,))
    c = CadenceRule("c", "丙", Trigger.PURCHASE, Conditions(), (step,), priority=5)
    ev = event(Trigger.PURCHASE, sh(2026, 11, 2))
    assert select_rule(ev, (b, a)) == a
    assert select_rule(ev, (a, b, c)) == c
    assert select_rule(ev, (replace(c, active=False), b)) == b


def test_default_rules_have_chinese_names_and_unique_codes() -> None:
    codes_ = [r.code for r in DEFAULT_RULES]
    assert len(codes_) == len(set(codes_))
    for rule in DEFAULT_RULES:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.name)
        for step in rule.steps:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in step.purpose)
    assert {r.trigger for r in DEFAULT_RULES} == set(Trigger) - {Trigger.PURCHASE}


# --- dedupe keys and collisions (F4) ------------------------------------------------------


def test_same_event_same_plan_and_keys() -> None:
    ev = event(Trigger.DELIVERY, sh(2026, 11, 23, 10), product_class=MID)
    first, second = plan_event(ev, DEFAULT_RULES, MAINLAND), plan_event(ev, DEFAULT_RULES, MAINLAND)
    assert first == second
    assert len({f.dedupe_key for f in first}) == len(first)
    other = plan_event(replace(ev, source_ref="purchase:43"), DEFAULT_RULES, MAINLAND)
    assert not {f.dedupe_key for f in first} & {f.dedupe_key for f in other}


def test_replanning_an_already_planned_event_changes_nothing() -> None:
    ev = event(Trigger.DELIVERY, sh(2026, 11, 23, 10), product_class=MID)
    plan = plan_event(ev, DEFAULT_RULES, MAINLAND)
    adjustments = run(ev, existing=plan)
    assert {a.action for a in adjustments} == {MERGE}
    assert all(a.merged_into == a.followup.dedupe_key for a in adjustments)
    assert all(codes(a) == [R.DUPLICATE] for a in adjustments)


def test_delivery_and_first_use_share_one_first_contact() -> None:
    delivered = event(Trigger.DELIVERY, sh(2026, 11, 23, 10), product_class=MID)
    first_use = event(Trigger.FIRST_USE, sh(2026, 11, 23, 16), product_class=MID)
    result = run(delivered, first_use)
    first_contacts = [a for a in result if a.followup.purpose == "首次回访"]
    kept = [a for a in first_contacts if a.action is KEEP]
    merged = [a for a in first_contacts if a.action is MERGE]
    assert len(kept) == len(merged) == 1
    assert kept[0].followup.trigger is Trigger.DELIVERY
    assert merged[0].merged_into == kept[0].followup.dedupe_key
    assert codes(merged[0]) == [R.MERGED]
    assert kept[0].followup.dedupe_key in merged[0].reasons[0].detail


def test_first_use_weeks_later_is_its_own_contact() -> None:
    delivered = event(Trigger.DELIVERY, sh(2026, 11, 2, 10), product_class=MID)
    first_use = event(Trigger.FIRST_USE, sh(2026, 11, 23, 10), product_class=MID)
    result = run(delivered, first_use)
    assert [a.action for a in result if a.followup.purpose == "首次回访"] == [KEEP, KEEP]


def test_more_important_follow_up_wins_a_collision() -> None:
    step_low = Step(
        Offset(0, OffsetUnit.HOURS),
        Offset(2, OffsetUnit.DAYS),
        Channel.PHONE,
        "满意度调查",
        "routine_care",
        "csat",
        20,
    )
    step_high = replace(step_low, importance=80, routine=False)
    low = CadenceRule("low", "低", Trigger.DELIVERY, Conditions(), (step_low,))
    high = CadenceRule("high", "高", Trigger.TICKET_SOLVED, Conditions(), (step_high,))
    rules = (low, high)  # fmt: skip
    result = run(
        event(Trigger.DELIVERY, sh(2026, 11, 23, 10)),
        event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10)),
        rules=rules,
    )
    winner, loser = result
    assert (winner.followup.rule_code, winner.action) == ("high", KEEP)
    assert (loser.followup.rule_code, loser.action) == ("low", MERGE)
    assert loser.merged_into == winner.followup.dedupe_key


def test_existing_follow_up_keeps_its_slot() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=URGENT)
    plan = plan_event(ev, DEFAULT_RULES, MAINLAND)
    survey = plan[2]
    already = replace(survey, dedupe_key="1|other|满意度调查|0", importance=1)
    result = by_purpose(run(ev, existing=[already]))
    assert result["满意度调查"].action is MERGE
    assert result["满意度调查"].merged_into == "1|other|满意度调查|0"


# --- the 72 h cap across the plan ------------------------------------------------------


def test_third_contact_inside_72h_is_moved() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=NORMAL_PROBLEM)
    history = service(sh(2026, 11, 23, 10), sh(2026, 11, 23, 15))
    (adjustment,) = run(ev, history=history)
    assert adjustment.action is MOVE
    assert adjustment.at == sh(2026, 11, 26, 10)
    assert codes(adjustment) == [R.FREQUENCY_CAP]


def test_plans_own_contacts_count_and_a_contact_that_cannot_fit_is_suppressed() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=URGENT)
    result = by_purpose(run(ev, history=service(sh(2026, 11, 23, 14))))
    assert result["确认修复效果"].at == sh(2026, 11, 24, 10)
    check_use = result["跟进使用感受"]
    assert check_use.action is SUPPRESS
    assert R.FREQUENCY_CAP in codes(check_use)
    assert R.WINDOW_EXTENDED in codes(check_use)
    assert codes(check_use)[-1] is R.NO_SLOT_IN_WINDOW
    assert result["满意度调查"].at == sh(2026, 11, 27, 10)


def test_no_slot_in_window_extends_once() -> None:
    step = Step(Offset(0, OffsetUnit.HOURS), Offset(24, OffsetUnit.HOURS), Channel.PHONE,
                "周末订单回访", "routine_care", "csat", 10)  # fmt: skip
    rule = CadenceRule("weekend", "周末订单", Trigger.PURCHASE, Conditions(), (step,))
    (adjustment,) = run(event(Trigger.PURCHASE, sh(2026, 11, 28, 10)), rules=(rule,))
    assert (adjustment.action, adjustment.at) == (MOVE, sh(2026, 11, 30, 9))
    assert R.WINDOW_EXTENDED in codes(adjustment)


def test_greeting_with_no_working_day_before_the_holiday_is_suppressed() -> None:
    ev = event(Trigger.HOLIDAY_CARE, sh(2026, 9, 1), reference_at=sh(2026, 10, 5))
    (adjustment,) = run(ev)
    assert adjustment.action is SUPPRESS
    assert codes(adjustment)[-1] is R.NO_SLOT_IN_WINDOW


# --- preferences (C5) -----------------------------------------------------------------


def test_opt_out_suppresses_everything() -> None:
    evs = (
        event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=URGENT),
        event(Trigger.DELIVERY, sh(2026, 11, 24, 10), product_class=HV),
    )
    result = run(*evs, prefs=Preferences(opted_out=True))
    assert len(result) == 6
    assert all(a.action is SUPPRESS and codes(a) == [R.OPTED_OUT] for a in result)


def test_refused_channel_is_replaced_and_recorded() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=NORMAL_PROBLEM)
    (adjustment,) = run(ev, prefs=Preferences(refused_channels=frozenset({Channel.PHONE})))
    assert adjustment.action is KEEP
    assert adjustment.channel is Channel.SMS
    assert codes(adjustment) == [R.CHANNEL_SWITCHED]


def test_every_channel_refused_suppresses() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=NORMAL_PROBLEM)
    (adjustment,) = run(ev, prefs=Preferences(refused_channels=frozenset(Channel)))
    assert adjustment.action is SUPPRESS
    assert codes(adjustment) == [R.CHANNEL_REFUSED]


def test_preferred_channel_is_used() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=NORMAL_PROBLEM)
    (adjustment,) = run(ev, prefs=Preferences(preferred_channel=Channel.WECHAT))
    assert adjustment.channel is Channel.WECHAT


@pytest.mark.parametrize(
    ("nature", "purpose", "expected_at", "expected_codes"),
    [
        pytest.param(NORMAL_PROBLEM, "问题处理效果确认", sh(2026, 11, 24, 16),
                     [R.OUTSIDE_PREFERRED_WINDOW], id="three-day-window-waits-for-16:00"),
        pytest.param(URGENT, "确认修复效果", sh(2026, 11, 24, 10),
                     [R.OUTSIDE_PREFERRED_WINDOW], id="two-hour-window-falls-back-and-says-so"),
    ],
)  # fmt: skip
def test_preferred_window(
    nature: ProblemNature, purpose: str, expected_at: datetime, expected_codes: list[ReasonCode]
) -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=nature)
    prefs = Preferences(preferred_window=(time(16), time(17)))
    adjustment = by_purpose(run(ev, prefs=prefs))[purpose]
    assert adjustment.at == expected_at
    assert codes(adjustment) == expected_codes


# --- dynamic adjustment (F6) ------------------------------------------------------------

KEY_CARE = event(Trigger.PERIODIC_CARE, sh(2026, 11, 2, 9), tier=Tier.KEY,
                 source_ref="care:2026-11")  # fmt: skip


def test_care_waits_30_days_after_a_recent_contact() -> None:
    (adjustment,) = run(KEY_CARE, history=(Contact(sh(2026, 10, 20, 10), Channel.SMS),))
    assert (adjustment.action, adjustment.at) == (MOVE, sh(2026, 11, 19, 10))
    assert codes(adjustment) == [R.DEFERRED_RECENT_CONTACT]


def test_care_waits_30_days_after_a_complaint() -> None:
    (adjustment,) = run(KEY_CARE, recent_complaint_at=sh(2026, 10, 25, 15))
    assert (adjustment.action, adjustment.at) == (MOVE, sh(2026, 11, 24, 15))
    assert codes(adjustment) == [R.DEFERRED_RECENT_COMPLAINT]


def test_event_follow_ups_are_not_deferred_by_recent_contact() -> None:
    ev = event(Trigger.DELIVERY, sh(2026, 11, 23, 10), product_class=MID)
    result = run(ev, history=service(sh(2026, 11, 13, 10)))
    assert all(R.DEFERRED_RECENT_CONTACT not in codes(a) for a in result)


def test_blackout_moves_routine_but_not_service_contacts() -> None:
    ev = event(Trigger.DELIVERY, sh(2026, 10, 12, 10), product_class=MID)
    blackout = ((sh(2026, 10, 11), sh(2026, 11, 12)),)  # the month before 双十一
    result = by_purpose(run(ev, blackouts=blackout))
    assert (result["首次回访"].action, result["首次回访"].at) == (KEEP, sh(2026, 10, 13, 10))
    early = result["使用初期满意度回访"]
    assert (early.action, early.at) == (MOVE, sh(2026, 11, 12, 9))
    assert R.BLACKOUT in codes(early)


def test_a_routine_contact_pushed_into_a_blackout_jumps_past_it() -> None:
    ev = event(Trigger.DELIVERY, sh(2026, 11, 2, 10), product_class=MID)
    history = (Contact(sh(2026, 11, 5, 10), Channel.SMS),)  # routine: 7-day gap to 11-12
    blackout = ((sh(2026, 11, 11), sh(2026, 11, 14)),)
    early = by_purpose(run(ev, history=history, blackouts=blackout))["使用初期满意度回访"]
    assert early.at == sh(2026, 11, 16, 9)  # 11-14 is a Saturday
    assert codes(early) == [R.ROUTINE_GAP, R.BLACKOUT, R.REST_DAY]


@pytest.mark.parametrize(
    ("level", "early_at", "stable_at"),
    [
        pytest.param(0, sh(2026, 11, 30, 10), sh(2026, 12, 23, 10), id="as-planned"),
        pytest.param(-1, sh(2026, 12, 7, 10), sh(2027, 1, 22, 10), id="less-contact-doubles"),
        pytest.param(1, sh(2026, 11, 27, 9), sh(2026, 12, 8, 10), id="more-contact-halves"),
    ],
)  # fmt: skip
def test_contact_level_scales_routine_delays(
    level: int, early_at: datetime, stable_at: datetime
) -> None:
    ev = event(Trigger.DELIVERY, sh(2026, 11, 23, 10), product_class=MID)
    result = by_purpose(run(ev, contact_level=level))
    assert result["首次回访"].at == sh(2026, 11, 24, 10)  # service contact: unchanged
    assert result["使用初期满意度回访"].at == early_at
    assert result["稳定期满意度回访"].at == stable_at
    if level:
        assert R.CONTACT_LEVEL in codes(result["使用初期满意度回访"])


def test_contact_level_leaves_date_bound_reminders_alone() -> None:
    ev = event(Trigger.RENEWAL_APPROACHING, sh(2026, 10, 12, 9), reference_at=sh(2027, 1, 31))
    (adjustment,) = run(ev, contact_level=-1)
    assert adjustment.at == sh(2026, 12, 2, 9)


def test_past_due_follow_up_is_placed_from_now() -> None:
    ev = event(Trigger.TICKET_SOLVED, sh(2026, 11, 24, 10), problem_nature=NORMAL_PROBLEM)
    (adjustment,) = run(ev, now=sh(2026, 11, 25, 15, 30))
    assert (adjustment.action, adjustment.at) == (MOVE, sh(2026, 11, 25, 15, 30))
    assert codes(adjustment) == [R.PAST_DUE]


def test_late_event_starts_its_window_at_once() -> None:
    ev = event(Trigger.RENEWAL_APPROACHING, sh(2026, 12, 15, 10), reference_at=sh(2027, 1, 31))
    (followup,) = plan_event(ev, DEFAULT_RULES, MAINLAND)
    assert followup.due_start == sh(2026, 12, 15, 10)
    assert followup.due_end - followup.due_start == timedelta(days=30)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: event(Trigger.DELIVERY, datetime(2026, 11, 2)), id="naive-event"),
        pytest.param(lambda: Conditions(tiers="vip"), id="bare-string-condition"),  # type: ignore[arg-type]
        pytest.param(lambda: Offset(-1, OffsetUnit.WORKING_DAYS), id="negative-working-offset"),
        pytest.param(
            lambda: Step(Offset(1, OffsetUnit.DAYS), Offset(0, OffsetUnit.DAYS), Channel.SMS,
                         "问候", "s", "", 1),
            id="empty-window",
        ),
        pytest.param(lambda: CadenceRule("x", "空", Trigger.PURCHASE, Conditions(), ()),
                     id="rule-without-steps"),
        pytest.param(lambda: run(KEY_CARE, now=datetime(2026, 11, 2)), id="naive-now"),
        pytest.param(lambda: run(KEY_CARE, contact_level=2), id="contact-level-2"),
        pytest.param(lambda: run(KEY_CARE, replace(KEY_CARE, customer_id=2)), id="two-customers"),
    ],
)  # fmt: skip
def test_bad_input_is_rejected(make: Any) -> None:
    with pytest.raises(CadenceError):
        make()


# --- properties -----------------------------------------------------------------------

YEAR_START = sh(2026, 1, 1)
DATED = {Trigger.RENEWAL_APPROACHING, Trigger.REPURCHASE_DUE, Trigger.HOLIDAY_CARE}


@st.composite
def events(draw: st.DrawFn, base: datetime) -> Event:
    trigger = draw(st.sampled_from(Trigger))
    occurred = base + timedelta(minutes=15 * draw(st.integers(0, 20 * 96)))
    reference = None
    if trigger in DATED:
        reference = occurred + timedelta(hours=draw(st.integers(0, 100 * 24)))
    return Event(
        trigger=trigger,
        customer_id=1,
        occurred_at=occurred,
        source_ref=f"src:{draw(st.integers(1, 3))}",
        tier=draw(st.sampled_from(Tier)),
        product_class=draw(st.none() | st.sampled_from(ProductClass)),
        problem_nature=draw(st.none() | st.sampled_from(ProblemNature)),
        severity=draw(st.sampled_from([None, "general", "major", "urgent"])),
        segments=draw(st.frozensets(st.sampled_from(["long_term", "new", "churn_risk"]))),
        reference_at=reference,
    )


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    base = YEAR_START + timedelta(minutes=15 * draw(st.integers(0, 330 * 96)))
    evs = draw(st.lists(events(base), min_size=1, max_size=3))
    history = tuple(
        Contact(
            base + timedelta(minutes=15 * draw(st.integers(-10 * 96, 30 * 96))),
            draw(st.sampled_from(Channel)),
            draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    window = None
    if draw(st.booleans()):
        a, b = draw(st.integers(0, 23)), draw(st.integers(0, 23))
        window = (time(a), time(b)) if a != b else None
    prefs = Preferences(
        preferred_window=window,
        refused_channels=draw(st.frozensets(st.sampled_from(Channel), max_size=4)),
        opted_out=draw(st.integers(0, 9)) == 0,
    )
    rules = ContactRules(
        max_contacts=draw(st.integers(1, 3)),
        cap_window=timedelta(hours=draw(st.integers(0, 96))),
        min_routine_gap=timedelta(days=draw(st.integers(0, 10))),
        allow_rest_days=draw(st.booleans()),
    )
    blackouts: tuple[tuple[datetime, datetime], ...] = ()
    if draw(st.booleans()):
        b0 = base + timedelta(days=draw(st.integers(-5, 40)))
        blackouts = ((b0, b0 + timedelta(days=draw(st.integers(1, 30)))),)
    complaint = None
    if draw(st.booleans()):
        complaint = base - timedelta(hours=draw(st.integers(0, 40 * 24)))
    return {
        "events": evs,
        "history": history,
        "prefs": prefs,
        "rules": rules,
        "blackouts": blackouts,
        "complaint": complaint,
        "now": base + timedelta(hours=draw(st.integers(0, 5 * 24))),
        "contact_level": draw(st.integers(-1, 1)),
    }


def _plan(s: dict[str, Any]) -> list[PlannedFollowUp]:
    return [f for e in s["events"] for f in plan_event(e, DEFAULT_RULES, MAINLAND)]


def _resolve(s: dict[str, Any], planned: list[PlannedFollowUp]) -> list[Adjustment]:
    return resolve(
        planned,
        existing=(),
        history=s["history"],
        prefs=s["prefs"],
        calendar=MAINLAND,
        contact_rules=s["rules"],
        now=s["now"],
        recent_complaint_at=s["complaint"],
        blackouts=s["blackouts"],
        contact_level=s["contact_level"],
    )


@given(scenarios())
def test_nothing_resolve_keeps_breaks_the_contact_policy(s: dict[str, Any]) -> None:
    planned = _plan(s)
    result = _resolve(s, planned)
    assert Counter(id(a.followup) for a in result) == Counter(id(f) for f in planned)
    kept = [a for a in result if a.at is not None]
    keys = {a.followup.dedupe_key for a in kept}
    for a in result:
        if a.action is MERGE:
            assert a.merged_into in keys | {a.followup.dedupe_key}
    for a in kept:
        assert a.at is not None and a.channel is not None
        assert a.at >= s["now"]
        others = [
            Contact(o.at, o.channel, o.followup.routine)
            for o in kept
            if o is not a and o.at is not None and o.channel is not None
        ]
        reasons = check(
            a.at,
            channel=a.channel,
            routine=a.followup.routine,
            history=(*s["history"], *others),
            prefs=s["prefs"],
            calendar=MAINLAND,
            rules=s["rules"],
            blackouts=s["blackouts"],
        )
        # The only tolerated reason is the recorded fallback from an unreachable window.
        assert {r.code for r in reasons} <= {R.OUTSIDE_PREFERRED_WINDOW}
        if reasons:
            assert R.OUTSIDE_PREFERRED_WINDOW in codes(a)
    if s["prefs"].opted_out:
        assert not kept


@given(scenarios())
def test_planning_is_deterministic_and_never_before_the_event(s: dict[str, Any]) -> None:
    for ev in s["events"]:
        plan = plan_event(ev, DEFAULT_RULES, MAINLAND)
        assert plan == plan_event(ev, DEFAULT_RULES, MAINLAND)
        assert len({f.dedupe_key for f in plan}) == len(plan)
        for f in plan:
            assert ev.occurred_at <= f.due_start <= f.due_end
    planned = _plan(s)
    assert _resolve(s, planned) == _resolve(s, planned)
