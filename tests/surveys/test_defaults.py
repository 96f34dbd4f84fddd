"""Shipped questionnaires and scripts, and the cadence codes that lead to them."""

from __future__ import annotations

import pytest

from huifang.domain.cadence import DEFAULT_RULES
from huifang.surveys.selectors import questionnaire_version_for, script_for

pytestmark = pytest.mark.django_db


def test_it_ships_four_questionnaires_in_chinese() -> None:
    names = {
        code: questionnaire_version_for(code).questionnaire.name
        for code in ("routine_care", "post_solution", "nps", "first_use")
    }
    assert names == {
        "routine_care": "常规回访问卷",
        "post_solution": "问题解决后回访问卷",
        "nps": "NPS 推荐意愿问卷",
        "first_use": "首次使用回访问卷",
    }


def test_routine_and_post_solution_ask_different_things() -> None:
    routine = {q.text for q in questionnaire_version_for("routine_care").question_list()}
    after_fix = {q.text for q in questionnaire_version_for("post_solution").question_list()}
    assert "您反馈的问题已处理完毕，目前使用是否正常？" in after_fix - routine


def test_every_code_the_cadence_rules_use_has_a_questionnaire_and_a_script() -> None:
    codes = {step.questionnaire for rule in DEFAULT_RULES for step in rule.steps}
    codes |= {step.script for rule in DEFAULT_RULES for step in rule.steps}
    mapped = {code: questionnaire_version_for(code).questionnaire.code for code in codes}
    assert mapped["fix_confirmation"] == "post_solution"
    assert mapped["delivery_check"] == "first_use"
    assert mapped["performance_review"] == "nps"
    for code in codes:
        assert script_for(code) is not None


def test_an_unknown_code_falls_back_to_routine_care() -> None:
    assert questionnaire_version_for("holiday_greeting").questionnaire.code == "routine_care"
    script = script_for("holiday_greeting")
    assert script is not None and script.code == "routine_care"


def test_every_script_opens_with_an_identity_check() -> None:
    script = script_for("routine_care")
    assert script is not None
    assert "请问是{客户姓名}先生/女士吗？" in script.opening
    assert "核实客户信息" in script.identity_check
    assert "祝您生活愉快" in script.closing
