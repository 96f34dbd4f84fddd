"""The customer's survey page (no login) and the questionnaire and script builder."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huifang.accounts.models import Role, User
from huifang.accounts.permissions import role_required
from huifang.followups.models import OPEN_STATUSES, FollowUp
from huifang.surveys import services
from huifang.surveys.forms import (
    NewQuestionnaireForm,
    QuestionForm,
    ScriptForm,
    question_rows,
    raw_answers,
)
from huifang.surveys.links import LinkExpired, LinkInvalid, read_token
from huifang.surveys.models import Questionnaire, Response, Script
from huifang.surveys.questions import AnswersInvalid, SurveyError
from huifang.surveys.selectors import questionnaire_version_for

builder_required = role_required(Role.SUPERVISOR, Role.ADMIN)


def _invalid(request: HttpRequest, *, expired: bool) -> HttpResponse:
    status = 410 if expired else 400
    return render(request, "surveys/link_invalid.html", {"expired": expired}, status=status)


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page: no login, made for phones, one submission."""
    try:
        target = read_token(token)
    except LinkExpired:
        return _invalid(request, expired=True)
    except LinkInvalid:
        return _invalid(request, expired=False)
    followup = (
        FollowUp.objects.filter(pk=target.followup_id, customer_id=target.customer_id)
        .select_related("customer")
        .first()
    )
    if followup is None:
        return _invalid(request, expired=False)
    response = Response.objects.filter(followup=followup).select_related("version").first()
    if (response and response.submitted_at) or followup.status not in OPEN_STATUSES:
        return render(request, "surveys/thanks.html", {"again": True})
    version = (
        response.version
        if response
        else questionnaire_version_for(followup.questionnaire or followup.script)
    )
    questions = version.question_list()
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = raw_answers(request.POST, questions)
        now = timezone.now()
        try:
            response = services.response_start(followup=followup, via="link", agent=None, now=now)
            services.response_submit(response=response, raw=raw, actor=None, now=now)
        except services.AlreadySubmitted:
            return render(request, "surveys/thanks.html", {"again": True})
        except AnswersInvalid as error:
            errors = error.errors
            values = {k: v for k, v in raw.items() if v not in ("", [])}
        else:
            return render(request, "surveys/thanks.html", {"again": False})
    context = {
        "followup": followup,
        "customer": followup.customer,
        "questionnaire": version.questionnaire,
        "rows": question_rows(questions, values, errors),
        "has_errors": bool(errors),
    }
    return render(request, "surveys/answer.html", context, status=400 if errors else 200)


# --------------------------------------------------------------------------- builder


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@builder_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    form = NewQuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(**form.cleaned_data)
        except SurveyError as error:
            form.add_error("code", str(error))
        else:
            return redirect("surveys:questionnaire", code=questionnaire.code)
    context = {
        "questionnaires": Questionnaire.objects.prefetch_related("versions"),
        "scripts": Script.objects.all(),
        "form": form,
    }
    return render(request, "surveys/questionnaire_list.html", context)


@builder_required
def questionnaire_edit(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, code=code)
    draft = questionnaire.draft_questions()
    form = QuestionForm(request.POST or None, earlier=draft)
    if request.method == "POST" and form.is_valid():
        taken = {q.key for q in draft}
        key = next(f"q{n}" for n in range(1, len(taken) + 2) if f"q{n}" not in taken)
        try:
            services.questionnaire_question_add(
                questionnaire=questionnaire, question=form.question(key)
            )
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Question added to the draft."))
            return redirect("surveys:questionnaire", code=code)
    latest = questionnaire.latest_version()
    context = {
        "questionnaire": questionnaire,
        "draft": draft,
        "latest": latest,
        "changed": latest is None or latest.questions != questionnaire.draft,
        "versions": questionnaire.versions.all(),
        "form": form,
    }
    return render(request, "surveys/questionnaire_edit.html", context)


@builder_required
def question_edit(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """Change one question of a questionnaire: in place, or as a new version once answered."""
    questionnaire = get_object_or_404(Questionnaire, code=code)
    draft = questionnaire.draft_questions()
    index = next((i for i, question in enumerate(draft) if question.key == key), None)
    if index is None:
        raise Http404
    form = QuestionForm(
        request.POST or None, earlier=draft[:index], initial=QuestionForm.initial_for(draft[index])
    )
    if request.method == "POST" and form.is_valid():
        try:
            edit = services.questionnaire_question_edit(
                questionnaire=questionnaire,
                question=form.question(key),
                actor=_user(request),
                now=timezone.now(),
            )
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _edit_message(edit))
            return redirect("surveys:questionnaire", code=code)
    context = {"questionnaire": questionnaire, "question": draft[index], "form": form}
    return render(request, "surveys/question_edit.html", context)


def _edit_message(edit: services.QuestionEdit) -> str:
    landed = services.EditLanded
    if edit.landed == landed.NEW_VERSION and edit.version and edit.answered:
        text = _("Saved as version %(number)s; the answers already given keep version %(old)s.")
        return text % {"number": edit.version.number, "old": edit.answered.number}
    if edit.landed == landed.IN_PLACE and edit.version:
        return _("Saved; version %(number)s had no answers yet and was changed in place.") % {
            "number": edit.version.number
        }
    if edit.landed == landed.UNCHANGED:
        return _("Nothing changed.")
    return _("Saved in the draft; it is used once the draft is published.")


@require_POST
@builder_required
def questionnaire_change(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, code=code)
    action, key = request.POST.get("action", ""), request.POST.get("key", "")
    try:
        if action == "remove":
            services.questionnaire_question_remove(questionnaire=questionnaire, key=key)
        elif action in ("up", "down"):
            services.questionnaire_question_move(
                questionnaire=questionnaire, key=key, up=action == "up"
            )
        elif action == "publish":
            version = services.questionnaire_publish(
                questionnaire=questionnaire, actor=_user(request), now=timezone.now()
            )
            messages.success(
                request, _("Published as version %(number)s.") % {"number": version.number}
            )
    except SurveyError as error:
        messages.error(request, str(error))
    return redirect("surveys:questionnaire", code=code)


@builder_required
def script_edit(request: HttpRequest, code: str) -> HttpResponse:
    script = get_object_or_404(Script, code=code)
    form = ScriptForm(request.POST or None, instance=script)
    if request.method == "POST" and form.is_valid():
        services.script_update(script=script, **{k: form.cleaned_data[k] for k in form.fields})
        messages.success(request, _("Script saved."))
        return redirect("surveys:list")
    return render(request, "surveys/script_edit.html", {"script": script, "form": form})
