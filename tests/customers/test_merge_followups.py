"""After a merge the kept customer's open follow-ups obey its contact policy (F4, F5, C5),
and its timeline shows the merged customer's older audit entries (C6, C7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huifang.audit.selectors import entries_for
from huifang.customers.merging import customer_merge
from huifang.customers.models import Customer
from huifang.customers.services import customer_update
from huifang.customers.timeline import change_entries, customer_timeline
from huifang.domain.cadence import Trigger, make_dedupe_key
from huifang.followups.models import OPEN_STATUSES, FollowUp
from huifang.followups.services import event_receive
from tests.conftest import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=SHANGHAI)


# Thursday 2026-11-26, an ordinary working day; Saturday and Sunday follow.
NOW = sh(11, 26, 9)


def local(at: datetime | None) -> str | None:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else None


def customer(org: Org, name: str, **fields: Any) -> Customer:
    return Customer.objects.create(name=name, team=org.east, owner=org.agent, **fields)


def planned(
    owner: Customer,
    purpose: str,
    at: datetime,
    *,
    channel: str = "phone",
    routine: bool = False,
    window: timedelta = timedelta(hours=48),
    **fields: Any,
) -> FollowUp:
    """An open follow-up as the planner leaves it: due from ``at``, scheduled at ``at``."""
    ref = f"ticket:{owner.pk}:{purpose}"
    return FollowUp.objects.create(
        customer=owner,
        rule_code="test",
        step_index=0,
        trigger=Trigger.TICKET_SOLVED,
        source_ref=ref,
        purpose=purpose,
        channel=channel,
        due_start=at,
        due_end=at + window,
        scheduled_at=at,
        importance=50,
        routine=routine,
        dedupe_key=make_dedupe_key(owner.pk, Trigger.TICKET_SOLVED, ref, purpose, 0),
        planned_at=NOW,
        **fields,
    )


def open_times(owner: Customer) -> list[datetime]:
    rows = FollowUp.objects.filter(customer=owner, status__in=OPEN_STATUSES)
    return sorted(at for at in rows.values_list("scheduled_at", flat=True) if at)


def assert_within_caps(owner: Customer) -> None:
    """F4: counting every open contact, never three within 72 h."""
    times = open_times(owner)
    for first, third in zip(times, times[2:], strict=False):
        assert third - first >= timedelta(hours=72), [local(t) for t in times]


FRI_10 = sh(11, 27, 10)
ROUTINE_CARE = ("季度深度关怀", FRI_10, True)


@dataclass
class Case:
    """The duplicate's open follow-up ``moved`` (purpose, due from, routine) meets the kept
    customer's own follow-ups and wishes; where it ends up after the merge."""

    status: str
    at: str | None  # its scheduled time after the merge
    reason: str  # a code among its reasons; "" = left as it was
    channel: str = "phone"
    own: tuple[tuple[str, datetime, bool], ...] = ()  # the kept customer's follow-ups
    moved: tuple[str, datetime, bool] = ("首次回访", FRI_10, False)
    window: timedelta = timedelta(hours=48)  # the moved follow-up's due window
    kept: dict[str, Any] = field(default_factory=dict)  # the kept customer's wishes
    duplicate: dict[str, Any] = field(default_factory=dict)  # the duplicate's wishes


THU_ROUTINE = (("月度例行回访", sh(11, 26, 10), True),)
CASES = {
    # Two contacts on Thursday: a third waits until 72 h after the first, past the weekend.
    "frequency cap": Case(
        "planned",
        "2026-11-30 09:00",
        "frequency_cap",
        own=(("确认修复效果", sh(11, 26, 10), False), ("跟进使用感受", sh(11, 26, 15), False)),
    ),
    "routine gap": Case(
        "planned",
        "2026-12-03 10:00",
        "routine_gap",
        own=THU_ROUTINE,
        moved=ROUTINE_CARE,
        window=timedelta(days=14),
    ),
    # The gap ends after the window and the one more window length searched beyond it.
    "no allowed time left": Case(
        "suppressed", None, "no_slot_in_window", own=THU_ROUTINE, moved=ROUTINE_CARE
    ),
    "preferred window of the kept customer": Case(
        "planned",
        "2026-11-27 15:00",
        "outside_preferred_window",
        kept={"preferred_window_start": time(15), "preferred_window_end": time(17)},
    ),
    "channel the kept customer refused": Case(
        "planned",
        "2026-11-27 10:00",
        "channel_switched",
        channel="sms",
        kept={"refused_channels": ["phone"]},
    ),
    "same purpose already planned for the kept customer": Case(
        "merged", None, "merged", own=(("首次回访", sh(11, 26, 14), False),)
    ),
    "kept customer opted out": Case(
        "cancelled", "2026-11-27 10:00", "opted_out", kept={"opted_out": True}
    ),
    "duplicate opted out": Case(
        "cancelled", "2026-11-27 10:00", "opted_out", duplicate={"opted_out": True}
    ),
    "every channel refused between the two": Case(
        "cancelled",
        "2026-11-27 10:00",
        "channel_refused",
        kept={"refused_channels": ["phone", "sms"]},
        duplicate={"refused_channels": ["email", "wechat"]},
    ),
    "already fits": Case(
        "planned", "2026-11-27 10:00", "", own=(("确认修复效果", sh(11, 26, 10), False),)
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_moved_followups_are_placed_again_under_the_kept_customers_policy(
    org: Org, case: Case
) -> None:
    kept = customer(org, "王强", **case.kept)
    duplicate = customer(org, "王强", **case.duplicate)
    own = [planned(kept, p, at, routine=r) for p, at, r in case.own]
    purpose, at, routine = case.moved
    moved = planned(duplicate, purpose, at, routine=routine, window=case.window)

    customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=NOW)

    moved.refresh_from_db()
    assert (moved.customer_id, moved.status) == (kept.pk, case.status)
    assert (local(moved.scheduled_at), moved.channel) == (case.at, case.channel)
    codes = [r["code"] for r in moved.reasons]
    if case.reason:
        assert case.reason in codes
        assert any(r["detail"].startswith("客户合并：") for r in moved.reasons)
    else:
        assert moved.reasons == []
    for followup in own:  # the kept customer's own follow-ups keep their slots
        before = followup.scheduled_at
        followup.refresh_from_db()
        assert followup.scheduled_at == before
    assert_within_caps(kept)


def test_an_opted_out_duplicate_cancels_every_plan_and_says_why_on_the_plan_page(
    org: Org,
) -> None:
    kept = customer(org, "王强")
    duplicate = customer(org, "王强", opted_out=True)
    own = planned(kept, "确认修复效果", sh(11, 26, 10))
    moved = planned(duplicate, "首次回访", sh(11, 27, 10))

    customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=NOW)

    assert open_times(kept) == []
    for followup in (own, moved):
        followup.refresh_from_db()
        assert followup.status == "cancelled"
        assert {"code": "opted_out", "detail": "客户合并：客户已选择免打扰"} in followup.reasons
    page = org.client_for(org.supervisor).get(reverse("followups:customer_plan", args=[kept.pk]))
    assert "客户合并：客户已选择免打扰" in page.content.decode()


def test_the_merge_audit_entry_names_what_was_placed_again(org: Org) -> None:
    kept = customer(org, "王强")
    duplicate = customer(org, "王强")
    planned(kept, "确认修复效果", sh(11, 26, 10))
    planned(kept, "跟进使用感受", sh(11, 26, 15))
    planned(duplicate, "首次回访", sh(11, 27, 10))
    planned(duplicate, "跟进使用感受", sh(11, 26, 16))

    result = customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=NOW)

    assert (result.replaced, result.merged, result.cancelled) == (1, 1, 0)
    entry = entries_for(kept).get(action="merge")
    assert "回访重新安排 1 条，并入 1 条，取消 0 条" in entry.note
    lines = entry.changes["followups"][1]
    assert "首次回访：客户合并：重新安排，2026-11-27 10:00 电话 → 2026-11-30 09:00 电话" in lines
    assert "跟进使用感受：客户合并：已有相同目的的回访" in lines


@pytest.mark.parametrize(
    ("kept_refuses", "status", "channel", "at", "code"),
    [
        ([], "planned", "sms", "2026-11-26 10:00", "channel_switched"),
        (["sms", "email", "wechat"], "cancelled", "phone", "2026-11-26 10:00", "channel_refused"),
    ],
    ids=["switched to another channel", "cancelled when no channel is left"],
)
def test_a_channel_the_duplicate_refused_moves_the_kept_customers_own_plans_off_it(
    org: Org, kept_refuses: list[str], status: str, channel: str, at: str, code: str
) -> None:
    kept = customer(org, "王强", refused_channels=kept_refuses)
    duplicate = customer(org, "王强", refused_channels=["phone"])
    own = planned(kept, "确认修复效果", sh(11, 26, 10), channel="phone")
    announced = planned(kept, "跟进使用感受", sh(11, 30, 10), channel="phone", announced_at=NOW)

    customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=NOW)

    own.refresh_from_db()
    assert (own.status, own.channel, local(own.scheduled_at)) == (status, channel, at)
    assert code in [r["code"] for r in own.reasons]
    assert any(r["detail"].startswith("客户合并：") for r in own.reasons)
    announced.refresh_from_db()  # the customer was told this time: it stays as it is
    assert (announced.status, announced.channel, announced.reasons) == ("planned", "phone", [])
    lines = entries_for(kept).get(action="merge").changes["followups"][1]
    assert any(line.startswith("确认修复效果：客户合并：") for line in lines)


def test_an_announced_or_started_followup_keeps_its_time(org: Org) -> None:
    kept = customer(org, "王强")
    duplicate = customer(org, "王强")
    planned(kept, "确认修复效果", sh(11, 26, 10))
    planned(kept, "跟进使用感受", sh(11, 26, 15))
    announced = planned(duplicate, "首次回访", sh(11, 27, 10), announced_at=NOW)
    started = planned(duplicate, "满意度调查", sh(11, 26, 9), status="in_progress")

    customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=NOW)

    for followup, when in ((announced, "2026-11-27 10:00"), (started, "2026-11-26 09:00")):
        followup.refresh_from_db()
        assert (followup.customer_id, local(followup.scheduled_at)) == (kept.pk, when)
        assert followup.reasons == []


def test_what_the_planner_planned_for_both_ends_within_the_caps(org: Org) -> None:
    """End to end: the kept customer's urgent fault was fixed on Thursday morning (calls at
    +2 h, +24 h, +72 h), the duplicate's machine delivered the same morning (confirm it runs
    within 3 days). Each plan was within the caps alone; together they are after the merge."""
    kept = customer(org, "王强", tier="vip")
    duplicate = customer(org, "王强", tier="vip")
    event_receive(
        source_ref="ticket:1",
        trigger="ticket_solved",
        customer_id=kept.pk,
        occurred_at=sh(11, 26, 9),
        now=sh(11, 26, 9),
        product_class="high_value_durable",
        problem_nature="urgent_fault",
    )
    event_receive(
        source_ref="delivery:1",
        trigger="delivery",
        customer_id=duplicate.pk,
        occurred_at=sh(11, 26, 9, 30),
        now=sh(11, 26, 9, 30),
        product_class="high_value_durable",
    )
    own = {f.pk: local(f.scheduled_at) for f in FollowUp.objects.filter(customer=kept)}
    assert sorted(str(at) for at in own.values()) == [
        "2026-11-26 09:00",
        "2026-11-27 09:00",
        "2026-12-01 09:00",
    ]
    running = FollowUp.objects.get(customer=duplicate, purpose="确认设备运行状态")
    assert local(running.scheduled_at) == "2026-11-27 09:30"

    customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=sh(11, 26, 9, 45))

    assert_within_caps(kept)
    for followup in FollowUp.objects.filter(pk__in=own):  # the kept customer's come first
        assert local(followup.scheduled_at) == own[followup.pk]
    running.refresh_from_db()
    assert (running.status, local(running.scheduled_at)) == ("planned", "2026-11-30 09:00")
    assert running.reasons[0]["detail"] == (
        "客户合并：重新安排，2026-11-27 09:30 电话 → 2026-11-30 09:00 电话"
    )
    assert "frequency_cap" in {r["code"] for r in running.reasons}


def test_a_failure_midway_leaves_the_moved_followups_as_they_were(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = customer(org, "王强")
    duplicate = customer(org, "王强")
    planned(kept, "确认修复效果", sh(11, 26, 10))
    planned(kept, "跟进使用感受", sh(11, 26, 15))
    moved = planned(duplicate, "首次回访", sh(11, 27, 10))
    from huifang.customers import merging

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "audit_record", broken)
    with pytest.raises(RuntimeError):
        customer_merge(actor=org.admin, kept=kept, duplicate=duplicate, now=NOW)
    before = (moved.customer_id, moved.status, moved.scheduled_at, moved.dedupe_key)
    moved.refresh_from_db()
    assert (moved.customer_id, moved.status, moved.scheduled_at, moved.dedupe_key) == before
    assert moved.reasons == []


# --- the timeline ---------------------------------------------------------------------


def test_the_kept_customers_page_shows_the_duplicates_older_entries_in_time_order(
    org: Org,
) -> None:
    kept = customer(org, "王强", company="华盛公司")
    duplicate = customer(org, "王强", company="华盛机械")
    duplicate_id = duplicate.pk
    with time_machine.travel(sh(10, 8, 10), tick=False):
        customer_update(actor=org.agent, customer=duplicate, region="浙江")
    with time_machine.travel(sh(10, 9, 10), tick=False):
        customer_update(actor=org.agent, customer=kept, city="上海")
    with time_machine.travel(sh(10, 10, 10), tick=False):
        customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=sh(10, 10, 10))

    timeline = [e for e in customer_timeline(kept, org.supervisor) if e.kind == "change"]
    marker = f"来自已合并客户（编号 {duplicate_id}）"
    edited = [e for e in timeline if marker in e.title]
    assert [e.detail for e in edited] == ["地区"]
    assert edited[0].title == f"{org.agent.full_name}：修改 · {marker}"
    assert [e.at for e in timeline] == sorted((e.at for e in timeline), reverse=True)
    assert timeline.index(edited[0]) == len(timeline) - 1  # the oldest of all
    page = org.client_for(org.supervisor).get(reverse("customers:detail", args=[kept.pk]))
    assert marker in page.content.decode()


def test_the_merged_entries_cost_one_query(org: Org) -> None:
    kept = customer(org, "王强")
    for name in ("王强", "王强强"):
        duplicate = customer(org, name)
        customer_update(actor=org.agent, customer=duplicate, region="浙江")
        customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate, now=NOW)
    list(change_entries(kept, org.supervisor))  # warm the content-type cache
    with CaptureQueriesContext(connection) as queries:
        entries = list(change_entries(kept, org.supervisor))
    assert len(queries) == 2  # the customer's own entries, then the merged customers'
    assert sum("来自已合并客户" in e.title for e in entries) == 2
