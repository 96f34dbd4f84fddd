"""Editing a question: in place while nobody answered, a new version once answers exist."""

from __future__ import annotations

from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from huifang.followups.models import FollowUp
from huifang.surveys.links import make_token
from huifang.surveys.models import Questionnaire, QuestionnaireVersion, Response
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup

OLD_NPS = "您有多大可能把我们的产品和服务推荐给朋友或同事？（0–10分）"
NEW_NPS = "您会向同行推荐我们吗？（0–10分）"


def edit_url(code: str, key: str) -> str:
    return reverse("surveys:question_edit", args=[code, key])


def edit(client: Client, code: str, key: str, **data: str) -> Any:
    return client.post(edit_url(code, key), {"required": "on", **data}, follow=True)


def link_page(f: FollowUp) -> str:
    token = make_token(followup_id=f.pk, customer_id=f.customer_id)
    return Client().get(reverse("surveys:answer", args=[token])).content.decode()


def versions(code: str) -> list[tuple[int, str]]:
    rows = QuestionnaireVersion.objects.filter(questionnaire__code=code).order_by("number")
    return [(v.number, v.question_list()[0].text) for v in rows]


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_question_nobody_answered_is_changed_in_place(org: Org) -> None:
    client = org.client_for(org.supervisor)
    form = client.get(edit_url("nps", "nps")).content.decode()
    assert OLD_NPS in form  # the form starts from the question as it is

    page = edit(client, "nps", "nps", kind="nps", text=NEW_NPS).content.decode()

    assert "已保存：版本 1 尚无人回答，已直接修改。" in page
    assert versions("nps") == [(1, NEW_NPS)]
    assert Questionnaire.objects.get(code="nps").draft_questions()[0].text == NEW_NPS
    f = followup(customer(team=org.east, owner=org.agent), channel="sms", questionnaire="nps")
    assert NEW_NPS in link_page(f)


@time_machine.travel(THURSDAY_10, tick=False)
def test_an_answered_questionnaire_gets_a_new_version_and_old_answers_keep_their_question(
    org: Org,
) -> None:
    zhang = customer(team=org.east, owner=org.agent)
    answered = followup(zhang, channel="sms", questionnaire="nps")
    token = make_token(followup_id=answered.pk, customer_id=zhang.pk)
    Client().post(reverse("surveys:answer", args=[token]), {"nps": "9"})

    page = edit(org.client_for(org.supervisor), "nps", "nps", kind="nps", text=NEW_NPS)

    assert "已保存为版本 2，已有的回答保留版本 1。" in page.content.decode()
    assert versions("nps") == [(1, OLD_NPS), (2, NEW_NPS)]
    assert Response.objects.get(followup=answered).version.number == 1
    customer_page = org.client_for(org.agent).get(reverse("customers:detail", args=[zhang.pk]))
    assert f"{OLD_NPS}：9/10" in customer_page.content.decode()
    later = followup(zhang, channel="sms", questionnaire="nps")
    shown = link_page(later)
    assert NEW_NPS in shown and OLD_NPS not in shown


@time_machine.travel(THURSDAY_10, tick=False)
def test_options_and_the_condition_of_a_question_can_be_edited(org: Org) -> None:
    client = org.client_for(org.supervisor)
    edit(client, "routine_care", "process", kind="single", text="服务流程是否顺畅？",
         options="顺畅\n一般\n不顺畅")  # fmt: skip
    # "improve" was shown after 不太顺畅, an option that is gone: refused, nothing changed.
    routine = Questionnaire.objects.get(code="routine_care")
    assert routine.draft_questions()[2].options == ("非常顺畅", "基本顺畅", "不太顺畅")

    edit(client, "routine_care", "improve", kind="text", text="哪些环节可以改进？",
         show_if="process", show_values="基本顺畅\n不太顺畅")  # fmt: skip
    improve = Questionnaire.objects.get(code="routine_care").latest_version()
    assert improve is not None
    assert improve.question_list()[3].show_values == ("基本顺畅", "不太顺畅")
    assert improve.number == 1


@time_machine.travel(THURSDAY_10, tick=False)
def test_an_edit_that_breaks_a_dependent_question_is_refused_in_chinese(org: Org) -> None:
    page = edit(org.client_for(org.supervisor), "routine_care", "process", kind="single",
                text="服务流程是否顺畅？", options="顺畅\n不顺畅")  # fmt: skip
    text = page.content.decode()
    assert "“哪些环节可以改进？”的显示条件必须是“服务流程是否顺畅？”提供的回答。" in text
    assert versions("routine_care")[0][1] == "目前产品运行是否稳定？"
    process = Questionnaire.objects.get(code="routine_care").draft_questions()[2]
    assert process.text == "从购买到交付，我们的服务流程是否顺畅？"


@time_machine.travel(THURSDAY_10, tick=False)
def test_the_form_says_in_chinese_what_is_missing(org: Org) -> None:
    client = org.client_for(org.supervisor)
    lonely = edit(client, "routine_care", "process", kind="single", text="流程", options="顺畅")
    assert "选择题至少需要两个选项。" in lonely.content.decode()

    no_values = edit(client, "routine_care", "problem", kind="text", text="什么问题？",
                     show_if="stable")  # fmt: skip
    assert "请填写在哪些回答之后显示这个问题。" in no_values.content.decode()

    empty = edit(client, "routine_care", "problem", kind="text", text="")
    assert "这个字段是必填项。" in empty.content.decode()
    assert Questionnaire.objects.get(code="routine_care").draft_questions()[1].text == (
        "遇到了什么问题或操作不便的地方？"
    )


@time_machine.travel(THURSDAY_10, tick=False)
def test_only_supervisors_and_administrators_edit_questions(org: Org) -> None:
    assert org.client_for(org.agent).get(edit_url("nps", "nps")).status_code == 403
    assert org.client_for(org.admin).get(edit_url("nps", "missing")).status_code == 404
