from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huifang.customers.models import Channel
from huifang.surveys.questions import Question, parse


class Questionnaire(models.Model):
    """A questionnaire by code; what people answer is always one of its published versions."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # The builder edits this; publishing copies it into a new version.
    draft = models.JSONField(_("draft questions"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.name

    def draft_questions(self) -> tuple[Question, ...]:
        return tuple(Question.from_dict(q) for q in self.draft)

    def latest_version(self) -> QuestionnaireVersion | None:
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    questions = models.JSONField(_("questions"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_number"
            )
        ]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        return f"{self.questionnaire.code} v{self.number}"

    def question_list(self) -> tuple[Question, ...]:
        return parse(self.questions)


class Script(models.Model):
    """A call script (话术, E1): opening with identity check, core questions, closing."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    opening = models.TextField(_("opening"))
    identity_check = models.TextField(_("identity check"))
    core = models.TextField(_("core questions"))
    closing = models.TextField(_("closing"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("script")
        verbose_name_plural = _("scripts")

    def __str__(self) -> str:
        return self.name


class Via(models.TextChoices):
    AGENT = "agent", _("Agent (call)")
    LINK = "link", _("Survey link")


class Response(models.Model):
    """One follow-up's answers, by an agent on the phone or by the customer through a link."""

    followup = models.OneToOneField(
        "followups.FollowUp", on_delete=models.CASCADE, related_name="survey_response"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="survey_responses"
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    via = models.CharField(_("answered via"), max_length=10, choices=Via.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["customer", "submitted_at"], name="response_customer_idx")]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.version} · {self.customer_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(_("question"), max_length=40)
    kind = models.CharField(_("type"), max_length=10)
    value = models.JSONField(_("answer"))
    # Ratings and NPS as numbers, for reports and the low-score rule.
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["response", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question_key"], name="answer_per_question")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.question_key}={self.value}"
