from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huifang.core.forms import BootstrapFormMixin
from huifang.tickets.models import Category, RoutingRule, Severity, SlaPolicy, TicketSettings


class TicketForm(BootstrapFormMixin, forms.Form):
    customer = forms.IntegerField(label=_("Customer number"), min_value=1)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)


class UpdateForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    to_customer = forms.BooleanField(label=_("Tell the customer"), required=False)


class SolveForm(BootstrapFormMixin, forms.Form):
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 3}))


SATISFACTION = [(n, str(n)) for n in range(5, 0, -1)]


class ConfirmationForm(BootstrapFormMixin, forms.Form):
    solved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        choices=[("yes", _("Yes, solved")), ("no", _("No, not solved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled it? (5 = very satisfied)"),
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("solved", "satisfaction"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Attachment"))


class SettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TicketSettings
        fields = [
            "at_risk_percent", "repeat_window_days", "confirmation_link_days",
            "tickets_from_answers", "csat_at_most", "nps_at_most", "answer_category",
            "answer_severity", "at_risk_level", "breached_level", "rejected_level",
            "unhappy_at_most",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("at_risk_level", "breached_level", "rejected_level"):
            if data.get(name) is not None and not 1 <= data[name] <= 3:
                self.add_error(name, _("Levels go from 1 (owner) to 3 (department head)."))
        percent = data.get("at_risk_percent")
        if percent is not None and not 1 <= percent <= 100:
            self.add_error("at_risk_percent", _("Enter a share between 1 and 100."))
        if data.get("csat_at_most") is not None and data["csat_at_most"] > 5:
            self.add_error("csat_at_most", _("Satisfaction scores go from 1 to 5."))
        if data.get("nps_at_most") is not None and data["nps_at_most"] > 10:
            self.add_error("nps_at_most", _("NPS scores go from 0 to 10."))
        return data


class SlaPolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = ["severity", "category", "tier", "response_hours", "solution_hours",
                  "notify_supervisor"]  # fmt: skip

    def clean_response_hours(self) -> Any:
        value = self.cleaned_data["response_hours"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The response target must be more than 0 hours."))
        return value

    def clean_solution_hours(self) -> Any:
        value = self.cleaned_data["solution_hours"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The solution target must be more than 0 hours."))
        return value


class RoutingRuleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["category", "severity", "tier", "department_code", "strategy"]
