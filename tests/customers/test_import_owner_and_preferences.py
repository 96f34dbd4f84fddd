from __future__ import annotations

from datetime import time

from huifang.customers.models import Customer, IssueOutcome
from tests.conftest import Org
from tests.customers.builders import issues_by_row, reasons, run_import, xlsx

HEAD = ["姓名", "手机", "负责人", "首选渠道", "方便联系时间", "免打扰"]


def test_it_assigns_owners_by_username_or_full_name_and_takes_their_team(org: Org) -> None:
    rows = [
        HEAD,
        ["王强", "13800000001", "agent", "", "", ""],
        ["李四", "13900000002", "黄嘉怡", "", "", ""],
    ]
    run_import(org.admin, xlsx(rows))
    wang, li = Customer.objects.get(name="王强"), Customer.objects.get(name="李四")
    assert (wang.owner, wang.team) == (org.agent, org.east)
    assert (li.owner, li.team) == (org.other_agent, org.south)


def test_an_unknown_owner_gets_the_default_and_a_note(org: Org) -> None:
    rows = [HEAD, ["王强", "13800000001", "张三丰", "", "", ""]]
    job = run_import(org.admin, xlsx(rows), default_owner=org.agent)
    customer = Customer.objects.get()
    assert (customer.owner, customer.team) == (org.agent, org.east)
    assert job.created_count == 1
    assert reasons(job, 2) == "C 负责人: 找不到名为“张三丰”的用户，已按默认负责人导入。"
    assert issues_by_row(job)[2][0].outcome == IssueOutcome.NOTE


def test_it_reads_contact_preferences(org: Org) -> None:
    rows = [
        HEAD,
        ["王强", "13800000001", "", "微信", "9:30-11:00", "否"],
        ["李四", "13900000002", "", "短信", "下午", "是"],
    ]
    run_import(org.admin, xlsx(rows))
    wang, li = Customer.objects.get(name="王强"), Customer.objects.get(name="李四")
    assert (wang.preferred_channel, wang.preferred_window_start, wang.preferred_window_end) == (
        "wechat",
        time(9, 30),
        time(11, 0),
    )
    assert not wang.opted_out
    assert (li.preferred_channel, li.preferred_window_start, li.opted_out) == (
        "sms",
        time(14),
        True,
    )


def test_it_rejects_preferences_it_cannot_read(org: Org) -> None:
    rows = [HEAD, ["王强", "13800000001", "", "传真", "晚饭后", "也许"]]
    job = run_import(org.admin, xlsx(rows))
    assert job.rejected_count == 1
    assert reasons(job, 2) == (
        "D 首选渠道: 无法识别渠道“传真”，请填写电话、短信、邮件或微信。 | "
        "E 方便联系时间: 无法识别联系时间“晚饭后”，请写成 09:00-11:30（或“上午”“下午”）。 | "
        "F 免打扰: “也许”应填写“是”或“否”。"
    )


def test_a_file_never_lifts_an_opt_out(org: Org) -> None:
    rows = [HEAD, ["王强", "13800000001", "", "", "", "是"]]
    run_import(org.admin, xlsx(rows))
    rows = [HEAD, ["王强", "13800000001", "", "", "", "否"]]
    run_import(org.admin, xlsx(rows))
    assert Customer.objects.get().opted_out
