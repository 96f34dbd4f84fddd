"""Submitted survey answers on the customer 360 timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.customers.models import Customer
from huifang.customers.timeline import TimelineEntry
from huifang.surveys.models import Response, Via
from huifang.surveys.questions import SCALES, display, parse


def answer_entries(customer: Customer, user: User) -> Iterable[TimelineEntry]:
    responses = (
        Response.objects.filter(customer=customer, submitted_at__isnull=False)
        .select_related("version__questionnaire", "agent")
        .prefetch_related("answers")
        .order_by("-submitted_at")[:50]
    )
    for response in responses:
        assert response.submitted_at is not None
        questions = {q.key: q for q in parse(response.version.questions)}
        parts = []
        for answer in response.answers.all():
            question = questions.get(answer.question_key)
            if question is None:
                continue
            if question.kind in SCALES:
                high = SCALES[question.kind][1]
                parts.append(f"{question.text}：{answer.value}/{high}")
            else:
                parts.append(f"{question.text}：{display(question, answer.value)}")
        who = (
            _("answered by the customer online")
            if response.via == Via.LINK
            else _("recorded by %(agent)s") % {"agent": response.agent or "—"}
        )
        yield TimelineEntry(
            at=response.submitted_at,
            kind="survey",
            title=_("Answered “%(name)s” (%(who)s)")
            % {"name": response.version.questionnaire.name, "who": who},
            detail="；".join(parts),
        )
