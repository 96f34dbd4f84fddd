"""What templates need to draw questions, and the builder's forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from huifang.core.forms import BootstrapFormMixin
from huifang.surveys.models import Script
from huifang.surveys.questions import CHOICE_KINDS, KIND_LABELS, Kind, Question, visible


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionRow:
    number: int
    question: Question
    value: Any
    error: str
    hidden: bool

    @property
    def choices(self) -> list[Choice]:
        picked = self.value if isinstance(self.value, list) else [self.value]
        picked_text = {str(v) for v in picked if v is not None}
        return [Choice(v, label, v in picked_text) for v, label in self.question.choices()]

    @property
    def is_scale(self) -> bool:
        return self.question.scale is not None

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.kind == Kind.MULTIPLE else "radio"


def question_rows(
    questions: Sequence[Question], values: Mapping[str, Any], errors: Mapping[str, str]
) -> list[QuestionRow]:
    shown = {q.key for q in visible(questions, values)}
    return [
        QuestionRow(n, q, values.get(q.key), errors.get(q.key, ""), q.key not in shown)
        for n, q in enumerate(questions, start=1)
    ]


def raw_answers(data: QueryDict, questions: Sequence[Question]) -> dict[str, Any]:
    """What a form posted, per question (lists for multiple choice); absent keys stay out."""
    raw: dict[str, Any] = {}
    for question in questions:
        if question.kind == Kind.MULTIPLE:
            if question.key in data or f"{question.key}__present" in data:
                raw[question.key] = data.getlist(question.key)
        elif question.key in data:
            raw[question.key] = data.get(question.key, "")
    return raw


class QuestionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=list(KIND_LABELS.items()))
    text = forms.CharField(label=_("Question"), max_length=300)
    options = forms.CharField(
        label=_("Options (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)
    show_if = forms.ChoiceField(label=_("Show only after question"), required=False)
    show_values = forms.CharField(
        label=_("…answered with (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, earlier: Sequence[Question] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["show_if"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Always shown"))] + [(q.key, q.text) for q in earlier]

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        """The form's fields for an existing question, to edit it."""
        return {
            "kind": question.kind,
            "text": question.text,
            "options": "\n".join(question.options),
            "required": question.required,
            "show_if": question.show_if,
            "show_values": "\n".join(question.show_values),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in CHOICE_KINDS and len(_lines(data.get("options", ""))) < 2:
            self.add_error("options", _("A choice question needs at least two options."))
        if data.get("show_if") and not _lines(data.get("show_values", "")):
            self.add_error("show_values", _("Name the answers after which this question is shown."))
        return data

    def question(self, key: str) -> Question:
        data = self.cleaned_data
        return Question(
            key=key,
            kind=data["kind"],
            text=data["text"].strip(),
            options=_lines(data["options"]) if data["kind"] in CHOICE_KINDS else (),
            required=data["required"],
            show_if=data["show_if"],
            show_values=_lines(data["show_values"]) if data["show_if"] else (),
        )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class NewQuestionnaireForm(BootstrapFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=120)


class ScriptForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Script
        fields = ["name", "opening", "identity_check", "core", "closing"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("opening", "identity_check", "core", "closing")
        }
