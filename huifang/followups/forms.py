from __future__ import annotations

from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from huifang.core.forms import BootstrapFormMixin
from huifang.customers.models import Product, ProductClass, Tier
from huifang.domain.cadence import ProblemNature
from huifang.followups.models import Blackout, CadenceRule, CadenceStep, ContactPolicy

NATURES = [
    (ProblemNature.URGENT_FAULT, _("Urgent fault")),
    (ProblemNature.NORMAL_PROBLEM, _("Normal problem")),
    (ProblemNature.CONSULTATION, _("Consultation")),
]
SEVERITIES = [("general", _("General")), ("major", _("Major")), ("urgent", _("Urgent"))]


class CommaListField(forms.CharField):
    """A list of free words typed as "电商, 零售"."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [w.strip() for w in text.replace("，", ",").split(",") if w.strip()]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value


def _checkboxes(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, label=label, required=False, widget=forms.CheckboxSelectMultiple
    )


class RuleForm(BootstrapFormMixin, forms.ModelForm):
    tiers = _checkboxes(Tier.choices, _("Customer tiers (none = any)"))
    product_classes = _checkboxes(ProductClass.choices, _("Product classes (none = any)"))
    problem_natures = _checkboxes(NATURES, _("Problem natures (none = any)"))
    severities = _checkboxes(SEVERITIES, _("Ticket severities (none = any)"))
    industries = CommaListField(
        label=_("Industries (comma separated, empty = any)"), required=False
    )
    segments = CommaListField(
        label=_("Segments and flags (comma separated, empty = any)"), required=False
    )

    class Meta:
        model = CadenceRule
        fields = [
            "code", "name", "trigger", "tiers", "product_classes", "problem_natures",
            "severities", "industries", "segments", "priority", "repeat_every_days", "active",
        ]  # fmt: skip


class StepForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CadenceStep
        fields = [
            "offset_amount", "offset_unit", "window_amount", "window_unit", "channel",
            "purpose", "script", "questionnaire", "importance", "routine",
            "announce_day_before",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit, amount = cleaned.get("offset_unit"), cleaned.get("offset_amount")
        if unit in ("working_hours", "working_days") and amount is not None and amount < 0:
            self.add_error(
                "offset_amount",
                _("Working time only counts forwards; use days for “before the date”."),
            )
        if cleaned.get("window_amount") == 0:
            self.add_error("window_amount", _("The due window must be longer than zero."))
        return cleaned


StepFormSet = inlineformset_factory(
    CadenceRule, CadenceStep, form=StepForm, extra=1, can_delete=True, min_num=1,
    validate_min=True,
)  # fmt: skip


class ContactPolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ContactPolicy
        fields = [
            "max_contacts", "cap_window_hours", "min_routine_gap_days", "allow_rest_days",
            "recent_interaction_days", "planning_horizon_days",
        ]  # fmt: skip

    def clean_max_contacts(self) -> int:
        value = self.cleaned_data["max_contacts"]
        if value < 1:
            raise forms.ValidationError(_("At least one contact must be allowed."))
        return int(value)

    def clean_cap_window_hours(self) -> int:
        value = self.cleaned_data["cap_window_hours"]
        if value < 1:
            raise forms.ValidationError(_("The frequency window must be at least one hour."))
        return int(value)


class BlackoutForm(BootstrapFormMixin, forms.ModelForm):
    industries = CommaListField(label=_("Industries (comma separated)"), required=False)
    segments = CommaListField(label=_("Segments (comma separated)"), required=False)

    class Meta:
        model = Blackout
        fields = ["name", "industries", "segments", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date is before the start date."))
        return cleaned


class FeatureReleaseForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Release"), max_length=120)
    products = forms.ModelMultipleChoiceField(
        label=_("Products it concerns"),
        queryset=Product.objects.order_by("sku"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one product the release concerns.")},
    )
    released_at = forms.DateTimeField(
        label=_("Released at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
