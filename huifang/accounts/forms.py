from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from huifang.accounts.models import Department, Role, Team, User
from huifang.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class ChangePasswordForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class ResetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    pass


def _limit_to_roles(form: forms.BaseForm, field_name: str, *roles: str) -> None:
    """Offer only active users of `roles` in a user drop-down."""
    field = form.fields[field_name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = User.objects.filter(is_active=True, role__in=roles).order_by("username")


class UserUpdateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "role", "team", "department", "is_active"]


class UserCreateForm(UserUpdateForm):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    class Meta(UserUpdateForm.Meta):
        fields = ["username", *UserUpdateForm.Meta.fields]

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data["password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two passwords do not match."))
        return second

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password2", error)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") == Role.AGENT and not cleaned.get("team"):
            self.add_error("team", _("An agent must belong to a team."))
        return cleaned


class TeamForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "supervisor"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_to_roles(self, "supervisor", Role.SUPERVISOR, Role.ADMIN)


class DepartmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "code", "head"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_to_roles(self, "head", Role.SUPERVISOR, Role.TECHNICIAN, Role.ADMIN)
