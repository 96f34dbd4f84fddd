"""The navbar's unread count is kept a few seconds per user and forgotten on every change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huifang.notifications.models import Notification
from huifang.notifications.services import notify
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def badge(client: Client) -> str | None:
    page = client.get("/").content.decode()
    start = page.find('id="unread-count">')
    if start < 0:
        return None
    return page[start + len('id="unread-count">') :].split("<", 1)[0]


def test_the_count_is_kept_between_pages(org: Org) -> None:
    notify(recipients=[org.agent], kind="ticket_assigned", title="新工单 T000001")
    client = org.client_for(org.agent)
    assert badge(client) == "1"
    with CaptureQueriesContext(connection) as counted:
        client.get("/")
    assert not any("notifications_notification" in q["sql"] for q in counted.captured_queries)


def test_a_new_notification_shows_on_the_next_page(org: Org) -> None:
    client = org.client_for(org.agent)
    assert badge(client) is None
    notify(recipients=[org.agent], kind="ticket_assigned", title="新工单 T000001")
    assert badge(client) == "1"
    Notification.objects.create(
        recipient=org.agent,
        kind="followup_reminder",
        title="提醒",
        created_at=org.agent.date_joined,
    )
    assert badge(client) == "2"


def test_acknowledging_clears_the_badge(org: Org) -> None:
    [notice] = notify(recipients=[org.supervisor], kind="ticket_escalation", title="工单升级")
    client = org.client_for(org.supervisor)
    assert badge(client) == "1"
    client.post(f"/notifications/{notice.pk}/acknowledge/", {"next": "/"})
    assert badge(client) is None


def test_one_persons_notification_leaves_anothers_count_alone(org: Org) -> None:
    agent = org.client_for(org.agent)
    assert badge(agent) is None
    notify(recipients=[org.supervisor], kind="ticket_escalation", title="工单升级")
    assert badge(agent) is None
    assert badge(org.client_for(org.supervisor)) == "1"
