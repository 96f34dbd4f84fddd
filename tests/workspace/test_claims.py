"""Claiming: two agents never work the same follow-up."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from huifang.accounts.models import Role
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.workspace import services
from tests.conftest import Org, make_user
from tests.followups.test_concurrent_planners import run_concurrently
from tests.workspace.factories import THURSDAY_10, customer, followup


@pytest.fixture(autouse=True)
def thursday(time_machine: Any) -> None:
    time_machine.move_to(THURSDAY_10, tick=False)


def test_the_second_agent_is_told_who_has_it(org: Org) -> None:
    f = followup(customer(team=org.east, owner=None), owner=None)
    colleague = make_user(username="agent2", role=Role.AGENT, full_name="陈立", team=org.east)
    org.client_for(org.agent).post(reverse("workspace:claim", args=[f.pk]))

    page = org.client_for(colleague).post(reverse("workspace:claim", args=[f.pk]), follow=True)

    assert "王小燕 已在处理这条回访" in page.content.decode()
    f.refresh_from_db()
    assert (f.status, f.claimed_by) == (FollowUpStatus.IN_PROGRESS, org.agent)


def test_take_the_next_one_skips_what_a_colleague_took(org: Org) -> None:
    first = followup(customer(team=org.east, owner=None), owner=None)
    second = followup(customer(name="李娜", team=org.east, owner=None), owner=None)
    colleague = make_user(username="agent2", role=Role.AGENT, full_name="陈立", team=org.east)
    assert services.followup_claim(followup_id=first.pk, user=colleague, now=timezone.now())

    taken = services.followup_claim_next(user=org.agent, now=timezone.now())

    assert taken is not None and taken.pk == second.pk


def test_putting_it_back_returns_it_to_the_queue(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent))
    client = org.client_for(org.agent)
    client.post(reverse("workspace:claim", args=[f.pk]))
    client.post(reverse("workspace:release", args=[f.pk]))
    f.refresh_from_db()
    assert (f.status, f.claimed_by) == (FollowUpStatus.PLANNED, None)


@pytest.mark.django_db(transaction=True)
def test_twenty_agents_at_once_never_claim_one_follow_up_twice(org: Org) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    for n in range(60):
        followup(customer(name=f"客户{n}", team=org.east, owner=None), owner=None)
    agents = [
        make_user(username=f"a{n}", role=Role.AGENT, full_name=f"专员{n}", team=org.east)
        for n in range(20)
    ]
    claims: list[tuple[int, int]] = []

    def work(agent: Any) -> None:
        while True:
            taken = services.followup_claim_next(user=agent, now=timezone.now())
            if taken is None or taken.claimed_by_id != agent.pk:
                return
            claims.append((taken.pk, agent.pk))
            # Done with it: the next claim_next must not hand the same one back.
            FollowUp.objects.filter(pk=taken.pk).update(status=FollowUpStatus.DONE)

    errors = run_concurrently(*(lambda agent=agent: work(agent) for agent in agents))

    assert errors == []
    per_followup = Counter(pk for pk, _agent in claims)
    assert len(per_followup) == 60 and set(per_followup.values()) == {1}
    stored = dict(FollowUp.objects.values_list("pk", "claimed_by_id"))
    assert all(stored[pk] == agent for pk, agent in claims)
