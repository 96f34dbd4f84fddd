from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from hypothesis import HealthCheck, settings

from huifang.accounts.models import Department, Role, Team, User

# Wall-clock deadlines flake on a loaded 2-core CI machine; behaviour is what we test.
settings.register_profile(
    "huifang", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=200
)
settings.load_profile("huifang")

PASSWORD = "Secret-pass-2026"


@functools.cache
def password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per process.
    return make_password(PASSWORD)


def make_user(*, username: str, role: str, **fields: Any) -> User:
    return User.objects.create(
        username=username,
        role=role,
        password=password_hash(),
        is_staff=role == Role.ADMIN,
        **fields,
    )


@dataclass
class Org:
    """A small organisation: one admin, one supervisor, agents in two teams, a technician."""

    east: Team
    south: Team
    tech: Department
    admin: User
    supervisor: User
    agent: User
    other_agent: User
    technician: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def org(db: Any) -> Org:
    east = Team.objects.create(name="华东回访组")
    south = Team.objects.create(name="华南回访组")
    tech = Department.objects.create(name="技术支持部", code="tech")
    make = make_user
    return Org(
        east=east,
        south=south,
        tech=tech,
        admin=make(username="admin", role=Role.ADMIN, full_name="管理员"),
        supervisor=make(
            username="zhuguan",
            role=Role.SUPERVISOR,
            full_name="周主管",
            team=east,
        ),
        agent=make(username="agent", role=Role.AGENT, full_name="王小燕", team=east),
        other_agent=make(username="agent3", role=Role.AGENT, full_name="黄嘉怡", team=south),
        technician=make(
            username="jishu",
            role=Role.TECHNICIAN,
            full_name="赵工",
            department=tech,
        ),
    )


@pytest.fixture(autouse=True, scope="session")
def tasks_run_immediately() -> None:
    """Background tasks run inline in tests: a view's effect is visible when it returns."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    """Each test starts in the default language, whatever the previous one switched to."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


# Data migrations whose rows the browser tests need; a live-server test flushes them away.
SEED_MIGRATIONS = (
    ("huifang.workdays.migrations.0002_mainland_defaults", "seed"),
    ("huifang.followups.migrations.0002_default_rules", "seed"),
    ("huifang.tickets.migrations.0002_defaults", "seed"),
    ("huifang.surveys.migrations.0002_default_questionnaires", "install"),
)


@pytest.fixture(autouse=True)
def seeded_defaults(request: pytest.FixtureRequest) -> None:
    """Run the seeding data migrations again (they are idempotent) before a test whose
    database is flushed after each test (transactional tests, live-server browser tests).

    serialized_rollback cannot be relied on for this: once Playwright's sync API has run in
    the session, Django hands the test thread fresh connection objects without its snapshot.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
