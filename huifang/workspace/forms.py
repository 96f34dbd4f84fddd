from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huifang.core.forms import BootstrapFormMixin
from huifang.tickets.models import Category, Severity


class RescheduleForm(BootstrapFormMixin, forms.Form):
    at = forms.DateTimeField(
        label=_("Call back at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Enter the time the customer named."),
            "invalid": _("Enter a date and time such as 2026-11-27 10:00."),
        },
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RefusedForm(BootstrapFormMixin, forms.Form):
    scope = forms.ChoiceField(
        label=_("The customer refuses"),
        choices=[
            ("channel", _("this channel (no more routine contact this way)")),
            ("all", _("all follow-ups (opt-out)")),
        ],
        widget=forms.RadioSelect,
        initial="channel",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ProblemForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = forms.CharField(
        label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
