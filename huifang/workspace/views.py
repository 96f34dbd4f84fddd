"""Thin views of the agent workspace: look up with a permission check, call one service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huifang.accounts.models import Role, User
from huifang.accounts.permissions import View, role_required
from huifang.channels.models import MessageStatus, OutboundMessage
from huifang.channels.services import message_retry
from huifang.customers.phones import display_phone, mask_phone
from huifang.customers.selectors import customers_visible_to, sees_full_phones
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.surveys import scripts
from huifang.surveys.forms import question_rows, raw_answers
from huifang.surveys.models import Response
from huifang.surveys.questions import AnswersInvalid, SurveyError
from huifang.surveys.selectors import questionnaire_version_for, recent_responses, script_for
from huifang.surveys.services import AlreadySubmitted, answer_save, response_start, survey_link_send
from huifang.tickets.models import Ticket
from huifang.tickets.services import TicketError
from huifang.workspace import selectors, services
from huifang.workspace.forms import NoteForm, ProblemForm, RefusedForm, RescheduleForm
from huifang.workspace.queue_rows import queue_rows_html

agent_required = role_required(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _followup(request: HttpRequest, pk: int) -> FollowUp:
    followup = get_object_or_404(FollowUp.objects.select_related("customer", "claimed_by"), pk=pk)
    if not customers_visible_to(_user(request)).filter(pk=followup.customer_id).exists():
        raise PermissionDenied
    return followup


# Agents reload the queue often; its rows are kept this long per session and language.
# Whatever the agent does to a follow-up from here starts a fresh queue at once (the
# session's queue version changes); a colleague's claim shows within these seconds, and
# the claim itself is refused with their name before that.
QUEUE_SECONDS = 5
QUEUE_VERSION = "workspace_queue_version"


def changes_queue(view: View) -> View:
    """The user's own queue is read afresh after this view, whatever it answers."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        finally:
            request.session[QUEUE_VERSION] = request.session.get(QUEUE_VERSION, 0) + 1

    return wrapped


def _queue_rows(request: HttpRequest) -> tuple[str, int]:
    """The queue's rows as HTML and how many more wait below them."""
    session = request.session
    key = ":".join(
        ("workspace:queue", str(session.session_key), get_language(),
         str(session.get(QUEUE_VERSION, 0)))
    )  # fmt: skip
    kept: tuple[str, int] | None = cache.get(key)
    if kept is None:
        queue = selectors.queue_for(_user(request), timezone.now())
        kept = (queue_rows_html(queue.items, reverse("workspace:queue")), queue.more)
        cache.set(key, kept, QUEUE_SECONDS)
    return kept


@agent_required
def queue(request: HttpRequest) -> HttpResponse:
    rows, more = _queue_rows(request)
    return render(request, "workspace/queue.html", {"rows": mark_safe(rows), "more": more})


@require_POST
@agent_required
@changes_queue
def claim_next(request: HttpRequest) -> HttpResponse:
    followup = services.followup_claim_next(user=_user(request), now=timezone.now())
    if followup is None:
        messages.info(request, _("Nothing left in your queue for today."))
        return redirect("workspace:queue")
    return redirect("workspace:work", pk=followup.pk)


@require_POST
@agent_required
@changes_queue
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _followup(request, pk)
    user = _user(request)
    if followup.status == FollowUpStatus.IN_PROGRESS and followup.claimed_by_id == user.pk:
        return redirect("workspace:work", pk=pk)
    if not services.followup_claim(followup_id=pk, user=user, now=timezone.now()):
        followup.refresh_from_db()
        who = followup.claimed_by or _("someone else")
        messages.error(request, _("%(who)s is already working on this follow-up.") % {"who": who})
        return redirect("workspace:queue")
    return redirect("workspace:work", pk=pk)


@require_POST
@agent_required
@changes_queue
def release(request: HttpRequest, pk: int) -> HttpResponse:
    services.followup_release(followup=_followup(request, pk), user=_user(request))
    return redirect("workspace:queue")


def _phones(user: User, followup: FollowUp) -> list[tuple[str, str, str]]:
    full = sees_full_phones(user)
    return [
        (c.name, display_phone(c.phone) if full else mask_phone(c.phone), c.email)
        for c in followup.customer.contacts.all()
    ]


def _work_context(
    request: HttpRequest, followup: FollowUp, *, errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None, **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    user = _user(request)
    customer = followup.customer
    response = Response.objects.filter(followup=followup).select_related("version").first()
    version = (
        response.version
        if response
        else questionnaire_version_for(followup.questionnaire or followup.script)
    )
    saved = dict(response.answers.values_list("question_key", "value")) if response else {}
    script = script_for(followup.script or followup.questionnaire)
    purchases = list(customer.purchases.select_related("product").order_by("-purchased_on")[:8])
    placeholders = {
        "客户姓名": customer.name,
        "产品": purchases[0].product.name if purchases else "",
        "专员姓名": user.display_name,
    }
    editable = followup.status == FollowUpStatus.IN_PROGRESS and followup.claimed_by_id == user.pk
    return {
        "followup": followup,
        "customer": customer,
        "editable": editable,
        "phones": _phones(user, followup),
        "purchases": purchases,
        "tickets": Ticket.objects.filter(customer=customer).order_by("-opened_at")[:5],
        "responses": recent_responses(customer.pk),
        "script": script,
        "script_parts": [
            (label, scripts.render(getattr(script, name), placeholders))
            for name, label in (
                ("opening", _("Opening")),
                ("identity_check", _("Identity check")),
                ("core", _("Core questions")),
                ("closing", _("Closing")),
            )
        ]
        if script
        else [],
        "questionnaire": version.questionnaire,
        "version": version,
        "rows": question_rows(version.question_list(), values or saved, errors or {}),
        "attempts": followup.attempts.select_related("agent").order_by("-at")[:10],
        "outbound": followup.messages.order_by("-created_at")[:10],
        "reschedule_form": extra.pop("reschedule_form", None) or RescheduleForm(),
        "refused_form": RefusedForm(),
        "problem_form": extra.pop("problem_form", None) or ProblemForm(),
        "note_form": NoteForm(),
        "link_channel": followup.channel != "phone",
        **extra,
    }


@agent_required
def work(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _followup(request, pk)
    return render(request, "workspace/work.html", _work_context(request, followup))


@require_POST
@agent_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one answer as it is typed (htmx); answers the little "saved" note."""
    followup = _followup(request, pk)
    user = _user(request)
    if followup.status != FollowUpStatus.IN_PROGRESS or followup.claimed_by_id != user.pk:
        return HttpResponse(
            format_html('<span class="text-danger">{}</span>', _("Claim it first."))
        )
    key = request.POST.get("key", "")
    now = timezone.now()
    response = response_start(followup=followup, via="agent", agent=user, now=now)
    multiple = request.POST.getlist(key)
    raw: Any = (
        multiple
        if len(multiple) > 1 or f"{key}__present" in request.POST
        else (request.POST.get(key, ""))
    )
    try:
        answer_save(response=response, key=key, raw=raw, now=now)
    except SurveyError as error:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', str(error)))
    saved_at = timezone.localtime(now).strftime("%H:%M:%S")
    return HttpResponse(
        format_html('<span class="text-success">{}</span>', _("Saved %(at)s") % {"at": saved_at})
    )


def _again(request: HttpRequest, followup: FollowUp, **context: Any) -> HttpResponse:
    return render(
        request, "workspace/work.html", _work_context(request, followup, **context), status=400
    )


@require_POST
@agent_required
@changes_queue
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _followup(request, pk)
    response = Response.objects.filter(followup=followup).select_related("version").first()
    version = (
        response.version
        if response
        else questionnaire_version_for(followup.questionnaire or followup.script)
    )
    raw = raw_answers(request.POST, version.question_list())
    try:
        services.followup_complete(
            followup=followup,
            user=_user(request),
            answers=raw,
            now=timezone.now(),
            note=request.POST.get("note", "")[:500],
        )
    except AnswersInvalid as error:
        messages.error(request, _("Some answers are missing or not valid."))
        return _again(request, followup, errors=error.errors, values=raw)
    except (services.WorkspaceError, AlreadySubmitted) as error:
        messages.error(request, str(error))
        return redirect("workspace:queue")
    messages.success(
        request, _("Follow-up with %(name)s completed.") % {"name": followup.customer.name}
    )
    return redirect("workspace:queue")


@require_POST
@agent_required
@changes_queue
def busy(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _followup(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _again(request, followup, reschedule_form=form)
    try:
        services.followup_reschedule(
            followup=followup,
            user=_user(request),
            at=form.cleaned_data["at"],
            now=timezone.now(),
            note=form.cleaned_data["note"],
        )
    except services.RescheduleRefused as error:
        return _again(
            request,
            followup,
            reschedule_form=form,
            refused=error.reasons,
            suggestion=error.suggestion,
        )
    except services.WorkspaceError as error:
        messages.error(request, str(error))
        return redirect("workspace:queue")
    when = timezone.localtime(form.cleaned_data["at"]).strftime("%Y-%m-%d %H:%M")
    messages.success(
        request,
        _("%(name)s will be called back at %(when)s.")
        % {"name": followup.customer.name, "when": when},
    )
    return redirect("workspace:queue")


def _record(
    request: HttpRequest, pk: int, run: Callable[[FollowUp, User], FollowUp]
) -> HttpResponse:
    """Record an outcome that ends the call; the follow-up's last reason says what follows."""
    try:
        row = run(_followup(request, pk), _user(request))
    except services.WorkspaceError as error:
        messages.error(request, str(error))
    else:
        messages.info(request, row.reasons[-1]["detail"])
    return redirect("workspace:queue")


@require_POST
@agent_required
@changes_queue
def unreachable(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")[:500]
    return _record(
        request,
        pk,
        lambda f, user: services.followup_unreachable(
            followup=f, user=user, now=timezone.now(), note=note
        ),
    )


@require_POST
@agent_required
@changes_queue
def refused(request: HttpRequest, pk: int) -> HttpResponse:
    form = RefusedForm(request.POST)
    if not form.is_valid():
        return _again(request, _followup(request, pk))
    data = form.cleaned_data
    return _record(
        request,
        pk,
        lambda f, user: services.followup_refused(
            followup=f,
            user=user,
            opt_out=data["scope"] == "all",
            now=timezone.now(),
            note=data["note"],
        ),
    )


@require_POST
@agent_required
def problem(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _followup(request, pk)
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _again(request, followup, problem_form=form)
    try:
        ticket = services.followup_report_problem(
            followup=followup, user=_user(request), now=timezone.now(), **form.cleaned_data
        )
    except TicketError as error:
        form.add_error(None, str(error))
        return _again(request, followup, problem_form=form)
    messages.success(
        request, _("Ticket %(number)s opened for this problem.") % {"number": ticket.number}
    )
    return redirect("workspace:work", pk=pk)


@require_POST
@agent_required
def send_link(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _followup(request, pk)
    try:
        survey_link_send(followup=followup, actor=_user(request), now=timezone.now())
    except SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Survey link sent."))
    return redirect("workspace:work", pk=pk)


@require_POST
@agent_required
def retry_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboundMessage, pk=pk, status=MessageStatus.FAILED)
    if message.followup_id is None:
        raise PermissionDenied
    _followup(request, message.followup_id)
    message_retry(message=message, now=timezone.now())
    messages.info(request, _("The message will be sent again."))
    return redirect("workspace:work", pk=message.followup_id)
