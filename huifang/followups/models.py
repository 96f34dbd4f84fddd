from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huifang.customers.models import Channel
from huifang.domain.cadence import OffsetUnit, Trigger


class TriggerChoice(models.TextChoices):
    DELIVERY = Trigger.DELIVERY, _("Delivery")
    FIRST_USE = Trigger.FIRST_USE, _("First use")
    PURCHASE = Trigger.PURCHASE, _("Purchase")
    TICKET_SOLVED = Trigger.TICKET_SOLVED, _("Ticket solved")
    FEATURE_RELEASE = Trigger.FEATURE_RELEASE, _("Feature release")
    RENEWAL_APPROACHING = Trigger.RENEWAL_APPROACHING, _("Renewal approaching")
    REPURCHASE_DUE = Trigger.REPURCHASE_DUE, _("Consumable repurchase due")
    PERIODIC_CARE = Trigger.PERIODIC_CARE, _("Periodic care")
    HOLIDAY_CARE = Trigger.HOLIDAY_CARE, _("Holiday care")


class OffsetUnitChoice(models.TextChoices):
    MINUTES = OffsetUnit.MINUTES, _("minutes")
    HOURS = OffsetUnit.HOURS, _("hours")
    DAYS = OffsetUnit.DAYS, _("days")
    WORKING_HOURS = OffsetUnit.WORKING_HOURS, _("working hours")
    WORKING_DAYS = OffsetUnit.WORKING_DAYS, _("working days")


class CadenceRule(models.Model):
    """When to follow up: a trigger, conditions on the customer and event, and steps."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    trigger = models.CharField(_("trigger"), max_length=30, choices=TriggerChoice.choices)
    # Conditions: empty list = any value.
    tiers = models.JSONField(_("customer tiers"), default=list, blank=True)
    product_classes = models.JSONField(_("product classes"), default=list, blank=True)
    problem_natures = models.JSONField(_("problem natures"), default=list, blank=True)
    severities = models.JSONField(_("severities"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    segments = models.JSONField(_("segments and flags"), default=list, blank=True)
    priority = models.IntegerField(_("priority"), default=0)
    repeat_every_days = models.PositiveIntegerField(_("repeat every (days)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["trigger", "code"]
        verbose_name = _("cadence rule")
        verbose_name_plural = _("cadence rules")

    def __str__(self) -> str:
        return self.name


class CadenceStep(models.Model):
    rule = models.ForeignKey(CadenceRule, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    offset_amount = models.IntegerField(_("offset"))
    offset_unit = models.CharField(
        _("offset unit"), max_length=20, choices=OffsetUnitChoice.choices
    )
    window_amount = models.PositiveIntegerField(_("due window"))
    window_unit = models.CharField(
        _("due window unit"), max_length=20, choices=OffsetUnitChoice.choices
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=60)
    script = models.CharField(_("script"), max_length=60, blank=True)
    questionnaire = models.CharField(_("questionnaire"), max_length=60, blank=True)
    importance = models.IntegerField(_("importance"), default=50)
    routine = models.BooleanField(_("routine (may wait)"), default=True)
    announce_day_before = models.BooleanField(_("announce a day ahead"), default=False)

    class Meta:
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "position"], name="cadence_step_position")
        ]
        verbose_name = _("cadence step")
        verbose_name_plural = _("cadence steps")

    def __str__(self) -> str:
        return f"{self.rule.code}#{self.position} {self.purpose}"


class ContactPolicy(models.Model):
    """The single row of contact limits (F4, F5, F6), edited by administrators."""

    max_contacts = models.PositiveSmallIntegerField(_("contacts allowed per window"), default=2)
    cap_window_hours = models.PositiveIntegerField(_("frequency window (hours)"), default=72)
    min_routine_gap_days = models.PositiveIntegerField(
        _("minimum gap between routine contacts (days)"), default=7
    )
    allow_rest_days = models.BooleanField(_("allow contact on rest days"), default=False)
    recent_interaction_days = models.PositiveIntegerField(
        _("defer routine care after a contact or complaint (days)"), default=30
    )
    planning_horizon_days = models.PositiveIntegerField(
        _("plan time-triggered follow-ups this far ahead (days)"), default=30
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact policy")
        verbose_name_plural = _("contact policy")

    def __str__(self) -> str:
        return str(_("contact policy"))


class Blackout(models.Model):
    """No routine contact for a segment or industry in a period (F6), e.g. before 双十一."""

    name = models.CharField(_("name"), max_length=80)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")

    def __str__(self) -> str:
        return self.name


class PlanningEvent(models.Model):
    """Something that happened to a customer; idempotent by its source reference."""

    source_ref = models.CharField(_("source reference"), max_length=120, unique=True)
    trigger = models.CharField(_("trigger"), max_length=30, choices=TriggerChoice.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="planning_events"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    reference_at = models.DateTimeField(_("refers to"), null=True, blank=True)
    product_class = models.CharField(max_length=30, blank=True)
    problem_nature = models.CharField(max_length=30, blank=True)
    severity = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("planning event")
        verbose_name_plural = _("planning events")

    def __str__(self) -> str:
        return self.source_ref


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    MERGED = "merged", _("Merged")
    SUPPRESSED = "suppressed", _("Suppressed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (FollowUpStatus.PLANNED, FollowUpStatus.IN_PROGRESS)


class FollowUp(models.Model):
    # No single-column indexes on customer and owner: followup_customer_idx and
    # followup_owner_idx start with them, and each index slows the re-plan's inserts.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="followups", db_index=False
    )
    rule_code = models.CharField(_("rule"), max_length=60)
    step_index = models.PositiveSmallIntegerField(_("step"))
    trigger = models.CharField(_("trigger"), max_length=30, choices=TriggerChoice.choices)
    source_ref = models.CharField(_("source"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    due_start = models.DateTimeField(_("due from"))
    due_end = models.DateTimeField(_("due by"))
    # Where the planner placed it inside the policy; null when merged or suppressed.
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    importance = models.SmallIntegerField(_("importance"))
    routine = models.BooleanField(_("routine"))
    announce_day_before = models.BooleanField(_("announce a day ahead"), default=False)
    script = models.CharField(_("script"), max_length=60, blank=True)
    questionnaire = models.CharField(_("questionnaire"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    merged_into_key = models.CharField(_("merged into"), max_length=200, blank=True)
    # Every move, merge or suppression with its reason: [{"code": …, "detail": …}, …]
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        db_index=False,
    )
    # Same customer, event, purpose and step: at most one row, whoever plans it.
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    planned_at = models.DateTimeField(_("planned at"))
    # Doing it (E3): an agent claims a follow-up with a conditional UPDATE (planned →
    # in_progress); reminders, escalation and announcements claim their own column.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("being handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_followups",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("assignee reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    link_sent_at = models.DateTimeField(_("survey link sent at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["customer", "status"], name="followup_customer_idx"),
            models.Index(fields=["status", "scheduled_at"], name="followup_due_idx"),
            models.Index(fields=["owner", "status", "scheduled_at"], name="followup_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.customer_id}"


class ContactAttempt(models.Model):
    """Every contact attempt (E5); the contact policy counts these."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="contact_attempts"
    )
    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    routine = models.BooleanField(_("routine"), default=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    result = models.CharField(_("result"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["customer", "at"], name="attempt_customer_idx")]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.at:%Y-%m-%d %H:%M} {self.channel}"


class FeatureRelease(models.Model):
    """A product upgrade or feature release: its buyers get a follow-up (F1, S000)."""

    name = models.CharField(_("name"), max_length=120)
    note = models.TextField(_("what changed"), blank=True)
    products = models.ManyToManyField("customers.Product", verbose_name=_("products"))
    released_at = models.DateTimeField(_("released at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    customers_planned = models.PositiveIntegerField(_("customers planned"), default=0)

    class Meta:
        ordering = ["-released_at"]
        verbose_name = _("feature release")
        verbose_name_plural = _("feature releases")

    def __str__(self) -> str:
        return self.name
