"""Tickets (工单): every problem heard is tracked until the customer confirms it is solved.

The SLA thresholds (``response_risk_at``, ``response_due_at`` …) are computed by the pure
domain code in ``huifang.domain.sla`` whenever the clock changes (opened, paused, resumed,
reopened) and stored, so the minute-by-minute sweep is one indexed query.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huifang.customers.models import Tier


class Category(models.TextChoices):
    PRODUCT_FUNCTION = "product_function", _("Product function")
    QUALITY_FAULT = "quality_fault", _("Quality fault")
    SERVICE_PROCESS = "service_process", _("Service process")
    STAFF_ATTITUDE = "staff_attitude", _("Staff attitude")
    OTHER_SUGGESTION = "other_suggestion", _("Other suggestion")


# A customer complaining about us (attitude, process) or our product (fault).
COMPLAINT_CATEGORIES = (Category.STAFF_ATTITUDE, Category.SERVICE_PROCESS, Category.QUALITY_FAULT)


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")
    URGENT = "urgent", _("Urgent")


class Source(models.TextChoices):
    FOLLOWUP = "followup", _("Follow-up")
    SURVEY = "survey", _("Survey answer")
    PHONE = "phone", _("Phone")
    EXTERNAL = "external", _("Imported / external system")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    SOLVED = "solved", _("Solved, awaiting confirmation")
    CLOSED = "closed", _("Closed")


# The SLA clock runs only in these; waiting on the customer or on their confirmation stops it.
RUNNING_STATUSES = (Status.NEW, Status.IN_PROGRESS)
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.SOLVED)


class SlaMark(models.TextChoices):
    NONE = "none", _("No target")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


class Strategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOAD = "least_load", _("Least open tickets")


class SlaPolicy(models.Model):
    """Response and solution targets in working time; the most specific row wins."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty = any"),
    )
    tier = models.CharField(
        _("customer tier"),
        max_length=10,
        choices=Tier.choices,
        blank=True,
        help_text=_("Empty = any"),
    )
    response_hours = models.DecimalField(
        _("first response within (working hours)"), max_digits=6, decimal_places=2
    )
    solution_hours = models.DecimalField(
        _("solution within (working hours)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty = no solution target"),
    )
    notify_supervisor = models.BooleanField(_("notify the supervisor at once"), default=False)

    class Meta:
        ordering = ["severity", "category", "tier"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["severity", "category", "tier"], name="sla_policy_unique"
            ),
            models.CheckConstraint(
                condition=Q(response_hours__gt=0), name="sla_policy_response_positive"
            ),
            models.CheckConstraint(
                condition=Q(solution_hours__isnull=True) | Q(solution_hours__gt=0),
                name="sla_policy_solution_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.category or '*'} {self.tier or '*'}"

    @property
    def response_target(self) -> timedelta:
        return timedelta(hours=float(self.response_hours))

    @property
    def solution_target(self) -> timedelta | None:
        if self.solution_hours is None:
            return None
        return timedelta(hours=float(self.solution_hours))


class RoutingRule(models.Model):
    """Category (and optionally severity and tier) → a department, by its code."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        help_text=_("Empty = any"),
    )
    tier = models.CharField(
        _("customer tier"),
        max_length=10,
        choices=Tier.choices,
        blank=True,
        help_text=_("Empty = any"),
    )
    department_code = models.SlugField(_("department code"), max_length=40)
    strategy = models.CharField(
        _("assignment"), max_length=20, choices=Strategy.choices, default=Strategy.LEAST_LOAD
    )

    class Meta:
        ordering = ["category", "severity", "tier"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "severity", "tier"], name="routing_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.department_code}"


class TicketSettings(models.Model):
    """One row of administrator-editable numbers (defaults from the operations manual)."""

    at_risk_percent = models.PositiveSmallIntegerField(
        _("at risk after this share of the target (percent)"), default=75
    )
    repeat_window_days = models.PositiveIntegerField(
        _("repeat complaint window (days)"), default=30
    )
    confirmation_link_days = models.PositiveIntegerField(
        _("confirmation link valid for (days)"), default=7
    )
    tickets_from_answers = models.BooleanField(
        _("open tickets from low survey scores"), default=True
    )
    csat_at_most = models.PositiveSmallIntegerField(
        _("open a ticket for a satisfaction score (1–5) at most"), default=2
    )
    nps_at_most = models.PositiveSmallIntegerField(
        _("open a ticket for an NPS score (0–10) at most"), default=6
    )
    answer_category = models.CharField(
        _("category of tickets from answers"),
        max_length=20,
        choices=Category.choices,
        default=Category.SERVICE_PROCESS,
    )
    answer_severity = models.CharField(
        _("severity of tickets from answers"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.GENERAL,
    )
    at_risk_level = models.PositiveSmallIntegerField(_("escalation level when at risk"), default=1)
    breached_level = models.PositiveSmallIntegerField(
        _("escalation level when breached"), default=2
    )
    rejected_level = models.PositiveSmallIntegerField(
        _("escalation level when the customer rejects"), default=2
    )
    unhappy_at_most = models.PositiveSmallIntegerField(
        _("reopen when the confirmation satisfaction is at most"), default=2
    )

    class Meta:
        verbose_name = _("ticket settings")
        verbose_name_plural = _("ticket settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(at_risk_percent__gte=1, at_risk_percent__lte=100),
                name="ticket_settings_at_risk_percent",
            )
        ]

    def __str__(self) -> str:
        return str(_("Ticket settings"))

    @property
    def at_risk_ratio(self) -> float:
        return self.at_risk_percent / 100


class Ticket(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # The id in the system it came from; inbound creation is idempotent by (source, id).
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    followup = models.ForeignKey(
        "followups.FollowUp",
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))

    # SLA: targets copied from the policy when opened, thresholds computed by domain.sla.
    response_target = models.DurationField(_("response target"))
    solution_target = models.DurationField(_("solution target"), null=True, blank=True)
    response_risk_at = models.DateTimeField(_("response at risk from"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    solution_risk_at = models.DateTimeField(_("solution at risk from"), null=True, blank=True)
    solution_due_at = models.DateTimeField(_("solution due"), null=True, blank=True)
    response_sla = models.CharField(
        _("response SLA"), max_length=10, choices=SlaMark.choices, default=SlaMark.ON_TRACK
    )
    solution_sla = models.CharField(
        _("solution SLA"), max_length=10, choices=SlaMark.choices, default=SlaMark.NONE
    )
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_working = models.DurationField(_("working time paused"), default=timedelta(0))

    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    solve_round = models.PositiveSmallIntegerField(_("solve round"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    is_repeat = models.BooleanField(_("repeat complaint"), default=False)
    repeat_count = models.PositiveSmallIntegerField(
        _("tickets of this category in the window"), default=1
    )

    final_solution = models.TextField(_("final solution"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    handling_time = models.DurationField(_("handling time"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="ticket_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "response_risk_at"], name="ticket_response_sweep_idx"),
            models.Index(fields=["status", "solution_risk_at"], name="ticket_solution_sweep_idx"),
            models.Index(fields=["owner", "status"], name="ticket_owner_idx"),
            models.Index(fields=["department", "status"], name="ticket_department_idx"),
            models.Index(fields=["customer", "category", "opened_at"], name="ticket_repeat_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def number(self) -> str:
        return f"T{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None


class PauseReason(models.TextChoices):
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    CONFIRMATION = "confirmation", _("Awaiting the customer's confirmation")


class TicketPause(models.Model):
    """A stretch during which the SLA clock stood still; ``ended_at`` null = still paused."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.started_at:%Y-%m-%d %H:%M}"


class StatusChange(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="status_changes")
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.to_status}"


class UpdateKind(models.TextChoices):
    NOTE = "note", _("Internal note")
    CUSTOMER = "customer", _("Update to the customer")


class Delivery(models.TextChoices):
    INTERNAL = "internal", _("Internal only")
    EMAIL = "email", _("Sent by email")
    PHONE = "phone", _("To be told by phone")


class TicketUpdate(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=UpdateKind.choices)
    body = models.TextField(_("text"))
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    sent_to = models.CharField(_("sent to"), max_length=254, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class ConfirmationChannel(models.TextChoices):
    LINK = "link", _("Confirmation link")
    PHONE = "phone", _("Confirmation call")


class Confirmation(models.Model):
    """The customer's answer to one solve round; one answer per round, whoever records it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="confirmations")
    solve_round = models.PositiveSmallIntegerField(_("solve round"))
    channel = models.CharField(_("channel"), max_length=10, choices=ConfirmationChannel.choices)
    solved = models.BooleanField(_("solved"))
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "solve_round"], name="confirmation_once"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="confirmation_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.solve_round}: {self.satisfaction}"


class EscalationReason(models.TextChoices):
    RESPONSE_AT_RISK = "response_at_risk", _("Response at risk")
    RESPONSE_BREACHED = "response_breached", _("Response overdue")
    SOLUTION_AT_RISK = "solution_at_risk", _("Solution at risk")
    SOLUTION_BREACHED = "solution_breached", _("Solution overdue")
    CUSTOMER_REJECTED = "customer_rejected", _("Customer not satisfied")
    URGENT_OPENED = "urgent_opened", _("Urgent ticket opened")


class Escalation(models.Model):
    """One step up the chain: owner (1) → supervisor (2) → department head (3)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    reason = models.CharField(_("reason"), max_length=20, choices=EscalationReason.choices)
    solve_round = models.PositiveSmallIntegerField(_("solve round"), default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notified"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notification = models.ForeignKey(
        "notifications.Notification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # Several sweeps at once: the second insert of the same step fails.
            models.UniqueConstraint(
                fields=["ticket", "solve_round", "level", "reason"], name="escalation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} L{self.level} {self.reason}"

    @property
    def acknowledged_at(self) -> datetime | None:
        return self.notification.acknowledged_at if self.notification else None


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tickets/{instance.ticket_id}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.name


class RoutingCursor(models.Model):
    """Round robin: who in the department got the last ticket."""

    department = models.OneToOneField(
        "accounts.Department", on_delete=models.CASCADE, related_name="+"
    )
    last_user_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return str(self.department_id)
