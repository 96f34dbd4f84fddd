from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What the message is for."""

    SURVEY_LINK = "survey_link", _("Survey link")
    ANNOUNCE = "announce", _("Call announcement")
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class Transport(models.TextChoices):
    EMAIL = "email", _("Email (SMTP)")
    SMS = "sms", _("SMS (Alibaba Cloud)")
    WECOM = "wecom", _("WeCom group robot")
    WECOM_APP = "wecom_app", _("WeCom application message")
    LOG = "log", _("Log only (demo)")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMessage(models.Model):
    """One message to one recipient and every attempt to deliver it."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The channel asked for (sms, email, wecom) and the transport that carried it (log
    # when that channel is not configured).
    channel = models.CharField(_("channel"), max_length=10, choices=Transport.choices)
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    to = models.CharField(_("to"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # SMS providers send approved templates filled with parameters, not free text.
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    template = models.CharField(_("template"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    followup = models.ForeignKey(
        "followups.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due_idx")]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"{self.channel} → {self.to} ({self.status})"
