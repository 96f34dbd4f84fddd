"""The queue page: kept a few seconds per session, read afresh after the agent's own
actions; rows escaped; the ranking done by the database matches F7's rank."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from huifang.accounts.models import Role
from huifang.workspace import services
from huifang.workspace.selectors import Candidate, queue_for, ranked
from tests.conftest import Org, make_user
from tests.workspace.factories import THURSDAY_10, customer, followup, repaired_recently, sh

QUEUE = reverse("workspace:queue")


@pytest.fixture(autouse=True)
def thursday(time_machine: Any) -> None:
    time_machine.move_to(THURSDAY_10, tick=False)


def shown(client: Client) -> list[tuple[int, str]]:
    """(follow-up, button label) per row, top to bottom."""
    page = client.get(QUEUE).content.decode()
    return [
        (int(pk), label)
        for pk, label in re.findall(
            r'data-followup="(\d+)">.*?formaction="[^"]+">([^<]+)</button>', page
        )
    ]


def test_claiming_shows_at_once_in_the_kept_queue(org: Org) -> None:
    first = followup(customer(team=org.east, owner=org.agent), scheduled_at=sh(2026, 11, 26, 9))
    second = followup(customer(name="李娜", team=org.east, owner=org.agent))
    client = org.client_for(org.agent)
    assert shown(client) == [(first.pk, "开始"), (second.pk, "开始")]

    client.post(reverse("workspace:claim", args=[second.pk]))

    assert shown(client) == [(second.pk, "继续"), (first.pk, "开始")]
    client.post(reverse("workspace:release", args=[second.pk]))
    assert shown(client) == [(first.pk, "开始"), (second.pk, "开始")]


def test_a_completed_follow_up_leaves_the_kept_queue_at_once(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent), questionnaire="nps")
    client = org.client_for(org.agent)
    client.post(reverse("workspace:claim", args=[f.pk]))
    assert shown(client) == [(f.pk, "继续")]

    client.post(reverse("workspace:complete", args=[f.pk]), {"nps": "9"})

    assert shown(client) == []


def test_reloading_within_seconds_does_not_read_the_queue_again(
    org: Org, django_assert_num_queries: Any
) -> None:
    followup(customer(team=org.east, owner=org.agent))
    client = org.client_for(org.agent)
    client.get(QUEUE)
    # Session and user; the navbar's unread count is kept too; no queue query.
    with django_assert_num_queries(2):
        client.get(QUEUE)


def test_the_kept_queue_expires_within_seconds(org: Org, time_machine: Any) -> None:
    f = followup(customer(team=org.east, owner=None), owner=None)
    client = org.client_for(org.agent)
    assert shown(client) == [(f.pk, "开始")]
    colleague = make_user(username="agent2", role=Role.AGENT, full_name="陈立", team=org.east)
    assert services.followup_claim(followup_id=f.pk, user=colleague, now=timezone.now())

    time_machine.shift(timedelta(seconds=6))

    assert shown(client) == []


def test_customer_names_are_escaped(org: Org) -> None:
    followup(customer(name="<b>张伟</b>", company='A&B "科技"', team=org.east, owner=org.agent))
    page = org.client_for(org.agent).get(QUEUE).content.decode()
    assert "&lt;b&gt;张伟&lt;/b&gt;" in page
    assert "A&amp;B &quot;科技&quot;" in page
    assert "<b>张伟" not in page


def test_the_page_says_how_many_more_wait_below(org: Org) -> None:
    for n in range(53):
        followup(customer(name=f"客户{n}", team=org.east, owner=org.agent))
    page = org.client_for(org.agent).get(QUEUE).content.decode()
    assert page.count('class="queue-row') == 50
    assert re.search(r'id="queue-more">[^<]*3', page)


def test_the_database_ranks_as_f7_does(org: Org) -> None:
    """Every combination of reasons, ranked by the query and by Candidate.rank alike."""
    for n in range(24):
        tier = ("vip", "key", "normal")[n % 3]
        flags = ["low_satisfaction"] if n % 4 == 0 else []
        owner = org.agent if n % 5 else None
        f = followup(
            customer(name=f"客户{n}", team=org.east, owner=owner, tier=tier, flags=flags),
            owner=owner,
            scheduled_at=THURSDAY_10 + timedelta(minutes=37 * n - 400),
            due_hours=2 if n % 3 == 0 else 8,
        )
        if n % 7 == 0:
            repaired_recently(f.customer_id, by=org.agent)
        if n % 6 == 0:
            services.followup_claim(followup_id=f.pk, user=org.agent, now=timezone.now())

    order = ranked(org.agent, timezone.now())

    assert len(order) == 24
    assert order == sorted(order, key=Candidate.rank)
    reasons = {(c.mine, c.overdue, c.recent_repair, c.low_satisfaction, c.key_customer)
               for c in order}  # fmt: skip
    assert len(reasons) >= 8  # the reasons really vary
    shown_first = [item.pk for item in queue_for(org.agent, timezone.now(), 10).items]
    assert shown_first == [c.pk for c in order[:10]]
