"""A technician responds to and solves a ticket; the customer confirms on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from huifang.accounts.models import Department
from huifang.customers.models import Customer
from huifang.tickets import services
from huifang.tickets.models import Status, Ticket
from tests.conftest import PASSWORD, Org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_technician_solves_and_the_customer_confirms_on_a_phone(
    page: Page, browser: Browser, live_server: Any, org: Org
) -> None:
    Department.objects.create(name="服务质量部", code="quality")
    customer = Customer.objects.create(name="张伟", team=org.east, owner=org.agent)
    data = services.NewTicket(
        customer_id=customer.pk, category="quality_fault", severity="major",
        description="扫码枪无法连接电脑",
    )  # fmt: skip
    ticket = services.ticket_create(data=data, actor=org.agent, now=timezone.now())
    assert ticket.owner == org.technician

    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("用户名").fill("jishu")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="我的工单").click()
    page.get_by_role("link", name=ticket.number).click()
    expect(page.locator("#ticket-status")).to_have_text("新建")

    page.get_by_label("内容").fill("已收到，正在远程排查驱动问题")
    page.get_by_label("告知客户").check()
    page.get_by_role("button", name="保存进展").click()
    expect(page.locator("#ticket-status")).to_have_text("进行中")
    expect(page.locator("#updates")).to_contain_text("待电话告知")

    page.get_by_label("解决方案").fill("重装扫码枪驱动并更新固件")
    page.get_by_role("button", name="标记已解决并请客户确认").click()
    expect(page.locator("#ticket-status")).to_have_text("已解决，待客户确认")
    link = page.locator("#confirmation-link").inner_text()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )  # fmt: skip
    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", name="您的问题解决了吗？")).to_be_visible()
    expect(mobile.get_by_text("重装扫码枪驱动并更新固件")).to_be_visible()
    submit = mobile.get_by_role("button", name="提交")
    box = submit.bounding_box()
    assert box is not None and box["width"] <= 390  # fits the phone, no sideways scrolling
    mobile.get_by_label("已解决", exact=True).check()
    mobile.get_by_label("5", exact=True).check()
    submit.click()
    expect(mobile.get_by_text("很高兴问题已解决，服务单已关闭。")).to_be_visible()
    phone.close()

    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction) == (Status.CLOSED, 5)
    page.reload()
    expect(page.locator("#closure")).to_contain_text("重装扫码枪驱动并更新固件")
    assert Ticket.objects.count() == 1
