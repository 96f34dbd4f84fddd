"""Administrators edit cadence rules, preview them on sample customers, and set the policy."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from huifang.followups.models import Blackout, CadenceRule, ContactPolicy
from tests.conftest import Org


def rule_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "code": "vip_consultation",
        "name": "VIP咨询回访",
        "trigger": "ticket_solved",
        "tiers": ["vip"],
        "problem_natures": ["consultation"],
        "industries": "",
        "segments": "",
        "priority": "5",
        "repeat_every_days": "",
        "active": "on",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-offset_amount": "2",
        "steps-0-offset_unit": "working_hours",
        "steps-0-window_amount": "4",
        "steps-0-window_unit": "working_hours",
        "steps-0-channel": "phone",
        "steps-0-purpose": "咨询答复确认",
        "steps-0-script": "post_solution",
        "steps-0-questionnaire": "csat",
        "steps-0-importance": "60",
    }
    form.update(changes)
    return form


class TestRuleEditor:
    def test_the_shipped_rules_are_listed(self, org: Org) -> None:
        page = org.client_for(org.admin).get(reverse("followups:rule_list")).content.decode()
        assert "VIP高单价紧急故障回访（2小时-24小时-72小时）" in page
        assert "续约提醒回访（合同到期前60天）" in page

    def test_an_administrator_creates_a_rule_with_a_step(self, org: Org) -> None:
        response = org.client_for(org.admin).post(
            reverse("followups:rule_create"), rule_form(save="1")
        )
        assert response.status_code == 302
        rule = CadenceRule.objects.get(code="vip_consultation")
        assert (rule.tiers, rule.problem_natures) == (["vip"], ["consultation"])
        [step] = rule.steps.all()
        assert (step.offset_amount, step.offset_unit, step.purpose) == (
            2,
            "working_hours",
            "咨询答复确认",
        )

    def test_preview_shows_the_plan_for_sample_customers_and_saves_nothing(
        self, org: Org, make_customer: Any
    ) -> None:
        make_customer(tier="vip", name="李娜")
        make_customer(tier="normal", name="王强")
        page = (
            org.client_for(org.admin)
            .post(reverse("followups:rule_create"), rule_form(preview="1"))
            .content.decode()
        )
        assert "预览（尚未保存）" in page
        assert "李娜" in page and "咨询答复确认" in page
        assert "王强" not in page  # not a VIP: the rule does not apply to him
        assert not CadenceRule.objects.filter(code="vip_consultation").exists()

    def test_a_negative_working_offset_is_refused_in_chinese(self, org: Org) -> None:
        response = org.client_for(org.admin).post(
            reverse("followups:rule_create"),
            rule_form(**{"steps-0-offset_amount": "-2", "save": "1"}),
        )
        assert response.status_code == 200
        assert "工作时间只能向后计算" in response.content.decode()
        assert not CadenceRule.objects.filter(code="vip_consultation").exists()

    def test_a_rule_needs_at_least_one_step(self, org: Org) -> None:
        form = rule_form(save="1", **{"steps-0-DELETE": "on"})
        response = org.client_for(org.admin).post(reverse("followups:rule_create"), form)
        assert response.status_code == 200
        assert not CadenceRule.objects.filter(code="vip_consultation").exists()

    def test_agents_cannot_open_the_rule_editor(self, org: Org) -> None:
        client = org.client_for(org.agent)
        assert client.get(reverse("followups:rule_list")).status_code == 403
        assert client.post(reverse("followups:rule_create"), rule_form(save="1")).status_code == 403


class TestContactPolicy:
    def test_an_administrator_changes_the_frequency_cap(self, org: Org) -> None:
        org.client_for(org.admin).post(
            reverse("followups:policy"),
            {
                "max_contacts": "3", "cap_window_hours": "48", "min_routine_gap_days": "5",
                "recent_interaction_days": "20", "planning_horizon_days": "45",
                "save_policy": "1",
            },
        )  # fmt: skip
        policy = ContactPolicy.objects.get(pk=1)
        assert (policy.max_contacts, policy.cap_window_hours) == (3, 48)

    def test_zero_contacts_is_refused(self, org: Org) -> None:
        page = (
            org.client_for(org.admin)
            .post(
                reverse("followups:policy"),
                {
                    "max_contacts": "0", "cap_window_hours": "72", "min_routine_gap_days": "7",
                    "recent_interaction_days": "30", "planning_horizon_days": "30",
                    "save_policy": "1",
                },
            )
            .content.decode()
        )  # fmt: skip
        assert "至少要允许一次联系" in page
        assert ContactPolicy.objects.get(pk=1).max_contacts == 2

    def test_a_blackout_before_a_sales_event_is_added_and_checked(self, org: Org) -> None:
        client = org.client_for(org.admin)
        page = client.post(
            reverse("followups:policy"),
            {"name": "双十一备战", "industries": "电商", "starts_on": "2026-11-11",
             "ends_on": "2026-10-15", "add_blackout": "1"},
        ).content.decode()  # fmt: skip
        assert "结束日期早于开始日期" in page
        client.post(
            reverse("followups:policy"),
            {"name": "双十一备战", "industries": "电商, 零售", "starts_on": "2026-10-15",
             "ends_on": "2026-11-11", "add_blackout": "1"},
        )  # fmt: skip
        assert Blackout.objects.get().industries == ["电商", "零售"]
