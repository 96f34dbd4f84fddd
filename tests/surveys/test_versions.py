"""Publishing a changed questionnaire makes a new version; answers keep theirs."""

from __future__ import annotations

import time_machine
from django.urls import reverse
from django.utils import timezone

from huifang.surveys.models import Questionnaire, QuestionnaireVersion
from huifang.surveys.services import questionnaire_publish, response_start
from tests.conftest import Org
from tests.workspace.factories import THURSDAY_10, customer, followup


def add_question(client: object, code: str, **data: str) -> object:
    url = reverse("surveys:questionnaire", args=[code])
    return client.post(url, {"required": "on", **data})  # type: ignore[attr-defined]


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_supervisor_adds_a_question_and_publishes_version_2(org: Org) -> None:
    client = org.client_for(org.supervisor)
    add_question(client, "nps", kind="yesno", text="是否愿意参加用户访谈？")
    page = client.get(reverse("surveys:questionnaire", args=["nps"])).content.decode()
    assert "草稿有尚未发布的修改" in page

    client.post(
        reverse("surveys:questionnaire_change", args=["nps"]), {"action": "publish"}, follow=True
    )
    latest = Questionnaire.objects.get(code="nps").latest_version()
    assert latest is not None and latest.number == 2
    assert latest.question_list()[-1].text == "是否愿意参加用户访谈？"


@time_machine.travel(THURSDAY_10, tick=False)
def test_publishing_an_unchanged_draft_makes_no_new_version(org: Org) -> None:
    nps = Questionnaire.objects.get(code="nps")
    questionnaire_publish(questionnaire=nps, actor=org.supervisor, now=timezone.now())
    assert QuestionnaireVersion.objects.filter(questionnaire=nps).count() == 1


@time_machine.travel(THURSDAY_10, tick=False)
def test_answers_keep_pointing_at_the_version_they_answered(org: Org) -> None:
    zhang = customer(team=org.east, owner=org.agent)
    before = response_start(
        followup=followup(zhang, questionnaire="nps"), via="agent", agent=org.agent,
        now=timezone.now(),
    )  # fmt: skip
    nps = Questionnaire.objects.get(code="nps")
    nps.draft = [*nps.draft, {"key": "extra", "kind": "text", "text": "补充", "required": False}]
    nps.save()
    questionnaire_publish(questionnaire=nps, actor=org.supervisor, now=timezone.now())

    after = response_start(
        followup=followup(zhang, questionnaire="nps"), via="agent", agent=org.agent,
        now=timezone.now(),
    )  # fmt: skip
    before.refresh_from_db()
    assert (before.version.number, after.version.number) == (1, 2)


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_broken_question_is_refused_in_chinese_and_the_draft_stays(org: Org) -> None:
    client = org.client_for(org.supervisor)
    page = add_question(client, "nps", kind="single", text="您从哪里了解到我们？", options="朋友")
    assert "至少需要两个选项" in page.content.decode()  # type: ignore[attr-defined]
    nps = Questionnaire.objects.get(code="nps")
    assert len(nps.draft) == 3


@time_machine.travel(THURSDAY_10, tick=False)
def test_agents_cannot_edit_questionnaires(org: Org) -> None:
    page = org.client_for(org.agent).get(reverse("surveys:questionnaire", args=["nps"]))
    assert page.status_code == 403
