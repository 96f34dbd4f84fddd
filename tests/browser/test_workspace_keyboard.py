"""An agent works a follow-up from the queue to completion with the keyboard alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from huifang.followups.models import ContactAttempt, FollowUpStatus
from huifang.surveys.models import Answer
from tests.browser.workspace_steps import log_in
from tests.conftest import Org
from tests.workspace.factories import customer, followup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_an_agent_completes_a_call_with_the_keyboard(
    page: Page, live_server: object, org: Org
) -> None:
    now = timezone.now()
    first = followup(customer(name="张伟", team=org.east, owner=org.agent),
                     scheduled_at=now - timedelta(hours=1), due_hours=4)  # fmt: skip
    followup(customer(name="李娜", team=org.east, owner=org.agent), scheduled_at=now, due_hours=4)
    log_in(page, live_server, "agent")
    page.locator("#main-nav").get_by_role("link", name="今日回访").click()
    expect(page.get_by_role("heading", name="今日回访")).to_be_visible()
    rows = page.locator("tr.queue-row")
    expect(rows).to_have_count(2)

    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("queue-row table-active")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class("queue-row table-active")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="使用初期满意度回访 · 张伟")).to_be_visible()
    expect(page.locator("#script")).to_contain_text("请问是张伟先生/女士吗？")
    page.keyboard.press("y")  # 产品运行稳定
    expect(page.locator("#saved-stable")).to_contain_text("已保存")
    page.keyboard.press("1")  # 服务流程：非常顺畅
    expect(page.locator("#saved-process")).to_contain_text("已保存")
    page.keyboard.press("4")  # 满意度 4 分
    expect(page.locator("#saved-satisfaction")).to_contain_text("已保存")
    expect(page.locator("#q-improve")).to_be_hidden()  # only after 不太顺畅
    page.keyboard.press("c")

    expect(page.get_by_text("张伟 的回访已完成。")).to_be_visible()
    expect(rows).to_have_count(1)
    first.refresh_from_db()
    assert first.status == FollowUpStatus.DONE
    answers = dict(Answer.objects.values_list("question_key", "value"))
    assert answers == {"stable": "yes", "process": "非常顺畅", "satisfaction": 4}
    attempt = ContactAttempt.objects.get(followup=first)
    assert (attempt.result, attempt.agent) == ("completed", org.agent)
