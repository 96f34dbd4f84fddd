"""Writes of questionnaires and answers.

Answers land the same way whoever gives them: an agent on the phone (the workspace) or
the customer through a survey link. ``response_submit`` stores the Answer rows, opens a
ticket for a low score (CSAT, 1–10 rating) or an NPS detractor, closes the follow-up and
records the contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.channels.models import Kind, Transport
from huifang.channels.registry import configured
from huifang.channels.services import message_queue
from huifang.channels.sms import settings as sms_settings
from huifang.customers.models import Channel, Customer
from huifang.followups.models import ContactAttempt, FollowUp, FollowUpStatus
from huifang.surveys import questions as q
from huifang.surveys.links import survey_url
from huifang.surveys.models import Answer, Questionnaire, QuestionnaireVersion, Response, Script
from huifang.surveys.questions import AnswersInvalid, Question, SurveyError
from huifang.surveys.selectors import questionnaire_version_for
from huifang.tickets.services import Scale, ticket_create_from_answer


class AlreadySubmitted(SurveyError):
    pass


# Scored question types and the ticket rule each answers to (low scores open a ticket).
SCALE_OF_KIND = {q.Kind.CSAT: Scale.CSAT, q.Kind.RATING10: Scale.RATING10, q.Kind.NPS: Scale.NPS}


# --------------------------------------------------------------------------- builder


@transaction.atomic
def questionnaire_create(*, code: str, name: str) -> Questionnaire:
    if Questionnaire.objects.filter(code=code).exists():
        raise SurveyError(_("A questionnaire with the code %(code)s exists.") % {"code": code})
    return Questionnaire.objects.create(code=code, name=name, draft=[])


def _save_draft(questionnaire: Questionnaire, draft: list[dict[str, Any]]) -> Questionnaire:
    q.parse(draft)  # the whole draft must stay valid, dependencies included
    questionnaire.draft = draft
    questionnaire.save(update_fields=["draft", "updated_at"])
    return questionnaire


@transaction.atomic
def questionnaire_question_add(
    *, questionnaire: Questionnaire, question: Question
) -> Questionnaire:
    return _save_draft(questionnaire, [*questionnaire.draft, question.as_dict()])


@transaction.atomic
def questionnaire_question_remove(*, questionnaire: Questionnaire, key: str) -> Questionnaire:
    draft = [item for item in questionnaire.draft if item["key"] != key]
    if any(item.get("show_if") == key for item in draft):
        raise SurveyError(_("Another question is shown only after this one; remove that first."))
    return _save_draft(questionnaire, draft)


@transaction.atomic
def questionnaire_question_move(
    *, questionnaire: Questionnaire, key: str, up: bool
) -> Questionnaire:
    draft = list(questionnaire.draft)
    index = next((i for i, item in enumerate(draft) if item["key"] == key), None)
    if index is None:
        return questionnaire
    other = index - 1 if up else index + 1
    if not 0 <= other < len(draft):
        return questionnaire
    draft[index], draft[other] = draft[other], draft[index]
    try:
        return _save_draft(questionnaire, draft)
    except SurveyError:
        raise SurveyError(_("A question that depends on another must stay after it.")) from None


def _new_version(
    questionnaire: Questionnaire,
    questions: list[dict[str, Any]],
    latest: QuestionnaireVersion | None,
    actor: User | None,
    now: datetime,
) -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=(latest.number if latest else 0) + 1,
        questions=questions,
        published_at=now,
        published_by=actor,
    )


@transaction.atomic
def questionnaire_publish(
    *, questionnaire: Questionnaire, actor: User | None, now: datetime
) -> QuestionnaireVersion:
    """Publish the draft as a new version; answers given before keep their version."""
    questions = q.parse(questionnaire.draft)
    if not questions:
        raise SurveyError(_("Add at least one question before publishing."))
    # Lock the questionnaire so two publishers cannot both take the next number.
    Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    latest = questionnaire.latest_version()
    if latest is not None and latest.questions == questionnaire.draft:
        return latest
    return _new_version(questionnaire, questionnaire.draft, latest, actor, now)


class EditLanded:
    """Where an edited question landed."""

    DRAFT_ONLY = "draft_only"  # not published yet: publishing will carry it
    UNCHANGED = "unchanged"  # the version in use already asks exactly this
    IN_PLACE = "in_place"  # the version in use changed; nobody had answered it
    NEW_VERSION = "new_version"  # the version in use had answers: a new one carries it


@dataclass(frozen=True)
class QuestionEdit:
    landed: str
    version: QuestionnaireVersion | None = None
    # With NEW_VERSION: the version whose answers keep the old question.
    answered: QuestionnaireVersion | None = None


def _replaced(items: list[dict[str, Any]], edited: dict[str, Any]) -> list[dict[str, Any]]:
    return [edited if item["key"] == edited["key"] else item for item in items]


@transaction.atomic
def questionnaire_question_edit(
    *, questionnaire: Questionnaire, question: Question, actor: User | None, now: datetime
) -> QuestionEdit:
    """Change one question (text, type, options, condition; its key stays) in the draft and
    in the version in use.

    While nobody has answered the version in use it is changed in place; once it has
    answers the change becomes a new version, so every answer keeps the question it
    answered. Either way both the draft and the version are checked as a whole first
    (options a later question depends on, for one); SurveyError changes nothing.
    """
    # Lock the questionnaire (editors and publishers take turns) and then the version:
    # on PostgreSQL a response being started holds a key-share lock on its version row,
    # so the check for answers below cannot miss one that is being created.
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    edited = question.as_dict()
    if not any(item["key"] == question.key for item in questionnaire.draft):
        raise SurveyError(_("This questionnaire has no such question."))
    _save_draft(questionnaire, _replaced(questionnaire.draft, edited))
    latest = questionnaire.latest_version()
    if latest is None or not any(item["key"] == question.key for item in latest.questions):
        return QuestionEdit(EditLanded.DRAFT_ONLY)
    latest = QuestionnaireVersion.objects.select_for_update().get(pk=latest.pk)
    questions = _replaced(latest.questions, edited)
    q.parse(questions)
    if questions == latest.questions:
        return QuestionEdit(EditLanded.UNCHANGED, latest)
    if latest.responses.exists():
        version = _new_version(questionnaire, questions, latest, actor, now)
        return QuestionEdit(EditLanded.NEW_VERSION, version, answered=latest)
    latest.questions = questions
    latest.published_at, latest.published_by = now, actor
    latest.save(update_fields=["questions", "published_at", "published_by"])
    return QuestionEdit(EditLanded.IN_PLACE, latest)


@transaction.atomic
def script_update(*, script: Script, **fields: str) -> Script:
    for name, value in fields.items():
        if name not in ("name", "opening", "identity_check", "core", "closing"):
            raise TypeError(f"script_update() cannot change {name}")
        setattr(script, name, value)
    script.save()
    return script


# --------------------------------------------------------------------------- answers


@transaction.atomic
def response_start(*, followup: FollowUp, via: str, agent: User | None, now: datetime) -> Response:
    """The follow-up's response, created on first use against the current version."""
    existing = Response.objects.filter(followup=followup).select_related("version").first()
    if existing is not None:
        return existing
    version = questionnaire_version_for(followup.questionnaire or followup.script)
    response, _created = Response.objects.get_or_create(
        followup=followup,
        defaults={
            "customer_id": followup.customer_id,
            "version": version,
            "via": via,
            "channel": followup.channel,
            "agent": agent,
            "started_at": now,
        },
    )
    return response


def _question(response: Response, key: str) -> Question:
    for question in response.version.question_list():
        if question.key == key:
            return question
    raise SurveyError(_("This questionnaire has no such question."))


def _store(response: Response, question: Question, value: Any, now: datetime) -> None:
    score = value if question.scale else None
    Answer.objects.update_or_create(
        response=response,
        question_key=question.key,
        defaults={"kind": question.kind, "value": value, "score": score, "updated_at": now},
    )


@transaction.atomic
def answer_save(*, response: Response, key: str, raw: Any, now: datetime) -> Any:
    """Save one answer as it is typed; returns the stored value (None: cleared)."""
    if Response.objects.filter(pk=response.pk, submitted_at__isnull=False).exists():
        raise AlreadySubmitted(_("These answers were already submitted."))
    question = _question(response, key)
    value = q.clean(question, raw)
    if value is None:
        Answer.objects.filter(response=response, question_key=key).delete()
    else:
        _store(response, question, value, now)
    return value


def saved_answers(response: Response) -> dict[str, Any]:
    return dict(response.answers.values_list("question_key", "value"))


@transaction.atomic
def response_submit(
    *,
    response: Response,
    raw: Mapping[str, Any],
    actor: User | None,
    now: datetime,
    note: str = "",
) -> Response:
    """Validate and store the answers, then apply their effects (exactly once).

    ``raw`` overrides what was saved while typing. AnswersInvalid (with a message per
    question) leaves everything as it was; AlreadySubmitted when someone was first.
    """
    questions = response.version.question_list()
    merged: dict[str, Any] = {**saved_answers(response), **raw}
    cleaned = q.clean_all(questions, merged)
    # One submission only: the conditional UPDATE lets exactly one caller through.
    won = Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
        submitted_at=now, agent=actor
    )
    if won != 1:
        raise AlreadySubmitted(_("These answers were already submitted."))
    response.submitted_at, response.agent = now, actor
    Answer.objects.filter(response=response).exclude(question_key__in=list(cleaned)).delete()
    by_key = {question.key: question for question in questions}
    for key, value in cleaned.items():
        _store(response, by_key[key], value, now)
    _open_tickets(response, questions, cleaned, actor, now)
    followup = FollowUp.objects.select_for_update().get(pk=response.followup_id)
    _finish(followup, actor=actor, now=now, result="completed", note=note)
    return response


def _open_tickets(
    response: Response,
    questions: tuple[Question, ...],
    cleaned: Mapping[str, Any],
    actor: User | None,
    now: datetime,
) -> None:
    comment = "\n".join(
        f"{question.text}：{q.display(question, cleaned[question.key])}"
        for question in questions
        if question.key in cleaned and question.kind in (q.Kind.TEXT, q.Kind.SINGLE, q.Kind.YESNO)
    )
    for kind, scale in SCALE_OF_KIND.items():
        scores = [cleaned[x.key] for x in questions if x.kind == kind and x.key in cleaned]
        if scores:
            ticket_create_from_answer(
                customer_id=response.customer_id,
                score=min(scores),
                scale=scale,
                answer_ref=f"survey-response:{response.pk}:{scale}",
                now=now,
                comment=comment,
                followup_id=response.followup_id,
                actor=actor,
            )


def contact_attempt_record(
    *, followup: FollowUp, agent: User | None, result: str, now: datetime, note: str = ""
) -> ContactAttempt:
    """Every contact attempt is recorded (E5); the contact policy counts them."""
    return ContactAttempt.objects.create(
        customer_id=followup.customer_id,
        followup=followup,
        at=now,
        channel=followup.channel,
        routine=followup.routine,
        agent=agent,
        result=result,
        note=note,
    )


def _finish(
    followup: FollowUp, *, actor: User | None, now: datetime, result: str, note: str = ""
) -> None:
    followup.status = FollowUpStatus.DONE
    followup.finished_at = now
    followup.save(update_fields=["status", "finished_at"])
    contact_attempt_record(followup=followup, agent=actor, result=result, now=now, note=note)


# --------------------------------------------------------------------------- survey links


def _phone_for_sms(phone: str) -> str:
    # Alibaba Cloud takes mainland numbers without the country code.
    number = phone.split(";")[0]
    return number[3:] if number.startswith("+86") else number.lstrip("+")


def _address(customer: Customer, channel: str) -> str:
    for contact in customer.contacts.all():
        if channel == Channel.EMAIL and contact.email:
            return contact.email
        if channel == Channel.SMS and contact.phone:
            return _phone_for_sms(contact.phone)
        if channel == Channel.WECHAT and contact.wechat_id:
            return contact.wechat_id
    return ""


def _wecom_user(customer: Customer) -> str:
    """The WeCom user id an application message reaches; empty when there is no way."""
    return _address(customer, Channel.WECHAT) if configured(Transport.WECOM_APP) else ""


def survey_link_send(*, followup: FollowUp, actor: User | None, now: datetime) -> None:
    """Send the follow-up's survey link by its channel and record the contact.

    SMS and email go to the customer's primary contact. A WeChat follow-up goes as a WeCom
    application message (a card with the link) to the contact's WeCom user id when the
    application is configured and the id is known; otherwise to the team's WeCom group
    robot, mentioning the assignee, who forwards it to the customer's WeChat (a robot
    cannot write to a customer directly).
    """
    customer = Customer.objects.prefetch_related("contacts").get(pk=followup.customer_id)
    url = survey_url(followup_id=followup.pk, customer_id=customer.pk)
    text = _("%(name)s, thank you for choosing us. Please take two minutes to tell us how it "
             "went: %(url)s") % {"name": customer.name, "url": url}  # fmt: skip
    channel = followup.channel
    with transaction.atomic():
        if channel == Channel.EMAIL or channel == Channel.SMS:
            to = _address(customer, channel)
            if not to:
                raise SurveyError(
                    _("%(name)s has no email address.") % {"name": customer.name}
                    if channel == Channel.EMAIL
                    else _("%(name)s has no mobile number.") % {"name": customer.name}
                )
            message_queue(
                channel=Transport.EMAIL if channel == Channel.EMAIL else Transport.SMS,
                to=to,
                subject=_("A few questions about our service"),
                body=text,
                template=sms_settings.current().templates.get(Kind.SURVEY_LINK, ""),
                params={"name": customer.name, "url": url},
                kind=Kind.SURVEY_LINK,
                now=now,
                followup_id=followup.pk,
                customer_id=customer.pk,
            )
        elif channel == Channel.WECHAT and (wecom_user := _wecom_user(customer)):
            card_text = _(
                "%(name)s, thank you for choosing us. Please take two minutes to tell us how "
                "it went."
            ) % {"name": customer.name}
            message_queue(
                channel=Transport.WECOM_APP,
                to=wecom_user,
                subject=_("A few questions about our service"),
                body=card_text,
                params={"url": url, "button": _("Answer now")},
                kind=Kind.SURVEY_LINK,
                now=now,
                followup_id=followup.pk,
                customer_id=customer.pk,
            )
        elif channel == Channel.WECHAT:
            owner = followup.owner
            body = _("Please forward this survey to %(name)s on WeChat: %(url)s") % {
                "name": customer.name,
                "url": url,
            }
            message_queue(
                channel=Transport.WECOM,
                to=owner.username if owner else "group",
                body=body,
                kind=Kind.SURVEY_LINK,
                now=now,
                followup_id=followup.pk,
                customer_id=customer.pk,
            )
        else:
            raise SurveyError(_("Phone follow-ups are done by calling, not by a link."))
        FollowUp.objects.filter(pk=followup.pk).update(
            link_sent_at=now,
            status=FollowUpStatus.IN_PROGRESS,
            claimed_at=now,
        )
        contact_attempt_record(followup=followup, agent=actor, result="link_sent", now=now)


LINK_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.WECHAT)


def survey_links_dispatch(*, now: datetime, limit: int = 500) -> int:
    """Send the links of SMS, email and WeChat follow-ups that have come due.

    Each follow-up is claimed with a conditional UPDATE first (link_sent_at still empty,
    still planned), so two workers never send one link twice. A customer without an
    address for the channel is handed to the assignee as a phone follow-up.
    """
    due = FollowUp.objects.filter(
        status=FollowUpStatus.PLANNED,
        channel__in=LINK_CHANNELS,
        scheduled_at__lte=now,
        link_sent_at__isnull=True,
    ).order_by("scheduled_at")
    sent = 0
    for followup in due.select_related("owner")[:limit]:
        claimed = FollowUp.objects.filter(
            pk=followup.pk, status=FollowUpStatus.PLANNED, link_sent_at__isnull=True
        ).update(link_sent_at=now)
        if claimed != 1:
            continue
        try:
            survey_link_send(followup=followup, actor=None, now=now)
        except SurveyError as error:
            reasons = [*followup.reasons, {"code": "no_address", "detail": str(error)}]
            FollowUp.objects.filter(pk=followup.pk).update(
                channel=Channel.PHONE, link_sent_at=None, reasons=reasons
            )
            continue
        sent += 1
    return sent


__all__ = ["AnswersInvalid", "SurveyError", "response_start", "response_submit"]
