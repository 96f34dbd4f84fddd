"""A customer answers an NPS survey on a phone; the answer shows on the customer 360 page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from huifang.followups.models import FollowUpStatus
from huifang.surveys.links import survey_url
from huifang.tickets.models import Ticket
from tests.browser.workspace_steps import log_in
from tests.conftest import Org
from tests.workspace.factories import customer, followup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_customer_answers_nps_on_a_phone(
    page: Page, browser: Browser, live_server: Any, org: Org, settings: Any
) -> None:
    settings.HUIFANG_SITE_URL = live_server.url
    zhang = customer(name="张伟", team=org.east, owner=org.agent)
    f = followup(zhang, channel="sms", questionnaire="nps", scheduled_at=timezone.now())
    link = survey_url(followup_id=f.pk, customer_id=zhang.pk)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        locale="zh-CN", timezone_id="Asia/Shanghai",
    )  # fmt: skip
    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", name="NPS 推荐意愿问卷")).to_be_visible()
    expect(mobile.get_by_text("张伟您好")).to_be_visible()
    expect(mobile.get_by_text("主要不满意的方面是？")).to_be_hidden()
    mobile.locator("#q-nps").get_by_text("6", exact=True).tap()
    expect(mobile.get_by_text("主要不满意的方面是？")).to_be_visible()
    mobile.get_by_text("服务流程", exact=True).tap()
    mobile.get_by_label("您给出这个分数的主要原因是什么？").fill("安装师傅迟到了两次")
    submit = mobile.get_by_role("button", name="提交回答")
    box = submit.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    submit.tap()
    expect(mobile.get_by_role("heading", name="感谢您的回答")).to_be_visible()
    mobile.goto(link)  # a second visit
    expect(mobile.get_by_text("我们已经收到您的回答")).to_be_visible()
    phone.close()

    f.refresh_from_db()
    assert f.status == FollowUpStatus.DONE
    assert Ticket.objects.get().source == "survey"  # 6 is a detractor

    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/customers/{zhang.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("已回答“NPS 推荐意愿问卷”（客户在线作答）")
    expect(timeline).to_contain_text("6/10")
    expect(timeline).to_contain_text("安装师傅迟到了两次")
