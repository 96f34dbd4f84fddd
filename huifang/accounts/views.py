from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from huifang.accounts import services
from huifang.accounts.forms import (
    ChangePasswordForm,
    DepartmentForm,
    LoginForm,
    ResetPasswordForm,
    TeamForm,
    UserCreateForm,
    UserUpdateForm,
)
from huifang.accounts.models import Department, Team, User
from huifang.accounts.permissions import admin_required


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("team", "department").order_by("role", "username")
    return render(request, "accounts/user_list.html", {"users": users})


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_create(
            username=data["username"],
            password=data["password2"],
            role=data["role"],
            full_name=data["full_name"],
            email=data["email"],
            team=data["team"],
            department=data["department"],
            is_active=data["is_active"],
        )
        messages.success(request, _("User %(name)s created.") % {"name": user.display_name})
        return redirect("accounts:user_list")
    return render(request, "accounts/form.html", {"form": form, "title": _("New user")})


@admin_required
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = UserUpdateForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update(user=user, **form.cleaned_data)
        messages.success(request, _("User %(name)s saved.") % {"name": user.display_name})
        return redirect("accounts:user_list")
    title = _("Edit user %(name)s") % {"name": user.username}
    return render(request, "accounts/form.html", {"form": form, "title": title})


@admin_required
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = ResetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request, _("Password of %(name)s has been reset.") % {"name": user.display_name}
        )
        return redirect("accounts:user_list")
    title = _("Reset password of %(name)s") % {"name": user.username}
    return render(request, "accounts/form.html", {"form": form, "title": title})


@admin_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.select_related("supervisor").annotate(member_count=Count("members"))
    return render(request, "accounts/team_list.html", {"teams": teams})


@admin_required
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk) if pk else None
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Team %(name)s saved.") % {"name": saved.name})
        return redirect("accounts:team_list")
    title = _("Edit team") if team else _("New team")
    return render(request, "accounts/form.html", {"form": form, "title": title})


@admin_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.select_related("head").annotate(member_count=Count("members"))
    return render(request, "accounts/department_list.html", {"departments": departments})


@admin_required
def department_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Department %(name)s saved.") % {"name": saved.name})
        return redirect("accounts:department_list")
    title = _("Edit department") if department else _("New department")
    return render(request, "accounts/form.html", {"form": form, "title": title})
