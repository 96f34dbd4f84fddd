"""An agent enters an order on the customer 360 page, is told in Chinese what is wrong with
it first; a supervisor merges a duplicate customer, and an agent is refused the merge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from huifang.customers.models import Customer, Product
from huifang.customers.services import ContactData, customer_create, purchase_create
from huifang.domain.classification import product_class
from tests.conftest import PASSWORD, Org

pytestmark = pytest.mark.browser

# Dates long past, fixed: the screens refuse dates after today, and nothing here may
# depend on the day or the hour the tests run.
PURCHASED = date(2026, 3, 10)
DELIVERED = date(2026, 3, 16)


def log_in(page: Page, live_server: object, username: str) -> None:
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="登录")).to_have_count(0)


def product(sku: str, name: str, model: str, price: str) -> Product:
    return Product.objects.create(
        sku=sku,
        name=name,
        model=model,
        unit_price=Decimal(price),
        product_class=product_class(Decimal(price)).value,
    )


def wang_qiang(
    org: Org, *, company: str = "华盛公司", phone: str = "+8613800012345", city: str = ""
) -> Customer:
    """A customer of the agent's team, so that a refusal comes from the role alone."""
    return customer_create(
        actor=org.admin,
        name="王强",
        company=company,
        city=city,
        owner=org.agent,
        team=org.east,
        contacts=[ContactData(name="王强", phone=phone, is_primary=True)],
    )


def error_next_to(page: Page, label: str) -> Locator:
    """The error shown under the field called ``label``, inside the field's own block."""
    return page.get_by_label(label).locator("xpath=..").locator(".invalid-feedback")


def test_an_agent_is_told_what_is_wrong_with_an_order_then_saves_it(
    page: Page, live_server: object, org: Org
) -> None:
    product("HV-001", "工业空压机", "KY-75", "38000")
    product("LF-001", "清洁消毒剂", "CL-5L", "89")
    wang = wang_qiang(org)

    log_in(page, live_server, "agent")
    page.goto(f"{live_server}/customers/{wang.pk}/")
    expect(page.locator("#purchases")).to_contain_text("还没有购买记录。")
    page.get_by_role("link", name="新增订单").click()
    expect(page.get_by_role("heading", name="为 王强（华盛公司） 新增订单")).to_be_visible()

    page.get_by_label("订单号").fill("SO-2026-0310")
    page.get_by_label("数量").fill("2")
    page.get_by_label("金额（元）").fill("75000")
    page.get_by_label("购买日期").fill(PURCHASED.isoformat())
    page.get_by_label("交付日期").fill("2026-03-08")
    page.get_by_role("button", name="保存").click()

    expect(error_next_to(page, "产品")).to_have_text("请选择所购买的产品。")
    expect(error_next_to(page, "交付日期")).to_have_text("交付日期不能早于购买日期（2026-03-10）。")
    expect(error_next_to(page, "购买日期")).to_have_count(0)
    # What was typed is still there to correct.
    expect(page.get_by_label("订单号")).to_have_value("SO-2026-0310")
    expect(page.get_by_label("金额（元）")).to_have_value("75000")

    page.get_by_label("产品").select_option(label="工业空压机 KY-75")
    page.get_by_label("交付日期").fill(DELIVERED.isoformat())
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_have_text("订单 SO-2026-0310 已保存。")
    expect(page.locator("#customer-name")).to_contain_text("王强")
    order = page.locator("#purchases tbody tr")
    expect(order).to_have_count(1)
    expect(order.locator("td")).to_have_text(
        ["SO-2026-0310", "工业空压机 KY-75 高价值耐用品", "2", "75,000.00",
         "2026-03-10", "2026-03-16", "—", "—"]
    )  # fmt: skip
    timeline = page.locator("#timeline")
    expect(timeline.locator(".timeline-purchase")).to_contain_text("2026-03-10")
    expect(timeline.locator(".timeline-purchase")).to_contain_text("购买 工业空压机 KY-75 × 2")
    expect(timeline.locator(".timeline-delivery")).to_contain_text("2026-03-16")
    expect(timeline.locator(".timeline-delivery")).to_contain_text("交付 工业空压机 KY-75 × 2")
    expect(timeline.locator(".timeline-delivery")).to_contain_text("订单 SO-2026-0310，¥75,000.00")


def test_a_supervisor_merges_a_duplicate_and_its_old_page_leads_to_the_kept_customer(
    page: Page, browser: Browser, live_server: object, org: Org
) -> None:
    kept = wang_qiang(org)
    duplicate = wang_qiang(org, company="", phone="+8613900056789", city="杭州")
    purchase_create(
        actor=org.admin,
        customer=duplicate,
        product=product("MC-001", "净水滤芯套装", "RO-F4", "1280"),
        order_no="SO-2026-0007",
        quantity=1,
        amount=Decimal("1280"),
        purchased_on=PURCHASED,
    )

    log_in(page, live_server, "zhuguan")
    page.goto(f"{live_server}/customers/{kept.pk}/")
    page.get_by_role("link", name="合并重复客户").click()
    expect(page.get_by_role("heading", name="合并重复客户")).to_be_visible()
    candidate = page.locator(".merge-candidate")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text(f"编号 {duplicate.pk}")
    candidate.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"将 王强（编号 {duplicate.pk}）并入 王强（华盛公司）（编号 {kept.pk}）"
    )
    expect(page.locator("#moving")).to_contain_text("购买记录：1")
    page.get_by_role("button", name="立即合并").click()

    expect(page.get_by_role("alert")).to_have_text(
        f"客户（编号 {duplicate.pk}）已并入 王强（华盛公司）。"
    )
    expect(page).to_have_url(f"{live_server}/customers/{kept.pk}/")
    expect(page.locator("#contacts")).to_contain_text("13800012345")
    expect(page.locator("#contacts")).to_contain_text("13900056789")
    expect(page.locator("#profile")).to_contain_text("杭州")
    expect(page.locator("#purchases tbody tr")).to_have_count(1)
    expect(page.locator("#purchases")).to_contain_text("SO-2026-0007")
    expect(page.locator("#purchases")).to_contain_text("净水滤芯套装 RO-F4")
    expect(page.locator("#timeline .timeline-purchase")).to_contain_text("订单 SO-2026-0007")

    page.goto(f"{live_server}/customers/{duplicate.pk}/")
    expect(page).to_have_url(f"{live_server}/customers/{kept.pk}/")
    expect(page.get_by_role("alert")).to_have_text(f"客户（编号 {duplicate.pk}）已并入本客户。")
    expect(page.locator("#purchases")).to_contain_text("SO-2026-0007")

    # An agent may edit the same customer but not merge it: refused, in Chinese.
    other = wang_qiang(org, company="远航公司", phone="+8613700011111")
    agent = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    agent_page = agent.new_page()
    log_in(agent_page, live_server, "agent")
    for url in (f"/customers/{kept.pk}/merge/", f"/customers/{kept.pk}/merge/{other.pk}/"):
        response = agent_page.goto(f"{live_server}{url}")
        assert response is not None and response.status == 403
        expect(agent_page.get_by_role("heading", name="您无权访问此页面")).to_be_visible()
    agent_page.goto(f"{live_server}/customers/{kept.pk}/")
    expect(agent_page.get_by_role("link", name="新增订单")).to_be_visible()
    expect(agent_page.get_by_role("link", name="合并重复客户")).to_have_count(0)
    agent.close()
    assert Customer.objects.filter(pk=other.pk).exists()
