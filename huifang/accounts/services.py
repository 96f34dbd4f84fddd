"""Writes for accounts: users, teams, departments."""

from __future__ import annotations

from django.db import transaction

from huifang.accounts.models import Department, Role, Team, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = Role.AGENT,
    full_name: str = "",
    email: str = "",
    team: Team | None = None,
    department: Department | None = None,
    is_active: bool = True,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        team=team,
        department=department,
        is_active=is_active,
        # Administrators may also open the Django admin; nobody else needs it.
        is_staff=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    full_name: str,
    email: str,
    role: str,
    team: Team | None,
    department: Department | None,
    is_active: bool,
) -> User:
    user.full_name = full_name
    user.email = email
    user.role = role
    user.team = team
    user.department = department
    user.is_active = is_active
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.full_clean()
    user.save()
    return user
