"""A busy customer is called back at the time they name, if the contact policy allows it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from huifang.followups.models import ContactAttempt, FollowUpStatus
from huifang.workdays.selectors import working_calendar
from huifang.workspace import policy
from tests.browser.workspace_steps import log_in
from tests.conftest import Org
from tests.workspace.factories import customer, followup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_refused_time_says_why_and_the_suggested_one_is_kept(
    page: Page, live_server: object, org: Org
) -> None:
    now = timezone.now()
    f = followup(customer(name="张伟", team=org.east, owner=org.agent), scheduled_at=now)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server}/workspace/")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="使用初期满意度回访 · 张伟")).to_be_visible()

    # 03:00 on the next working day: refused for the hour alone, whatever today is.
    night = timezone.localtime(now + timedelta(days=1)).replace(hour=3, minute=0)
    while not working_calendar().is_working_time(night.replace(hour=10)):
        night += timedelta(days=1)
    when = page.locator("#busy-form input[type=datetime-local]")
    page.keyboard.press("b")
    expect(when).to_be_focused()
    when.fill(night.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="客户忙：届时回电").click()

    refused = page.locator("#reschedule-refused")
    expect(refused).to_contain_text(f"{night:%Y-%m-%d} 03:00 不在联系时间内")
    f.refresh_from_db()
    assert f.status == FollowUpStatus.IN_PROGRESS and not ContactAttempt.objects.exists()

    suggestion = page.locator("#use-suggestion")
    suggested = suggestion.inner_text()
    suggestion.click()
    page.get_by_role("button", name="客户忙：届时回电").click()

    expect(page.get_by_text(f"将于 {suggested} 给 张伟 回电。")).to_be_visible()
    f.refresh_from_db()
    assert f.status == FollowUpStatus.PLANNED
    assert f.scheduled_at is not None
    assert timezone.localtime(f.scheduled_at).strftime("%Y-%m-%d %H:%M") == suggested
    assert policy.refusals(f, f.scheduled_at, now=timezone.now()) == ()
    assert ContactAttempt.objects.get(followup=f).result == "busy"
