"""Notifications: one per person, listed, counted in the navbar, acknowledged by the recipient."""

from __future__ import annotations

import pytest

from huifang.notifications.models import Notification
from huifang.notifications.services import notification_acknowledge, notify
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def test_it_notifies_each_active_person_once(org: Org) -> None:
    org.other_agent.is_active = False
    org.other_agent.save()
    sent = notify(
        recipients=[org.agent, org.agent, None, org.other_agent, org.supervisor],
        kind="followup_reminder", title="明天 10:00 回访张伟", url="/followups/1/",
    )  # fmt: skip
    assert sorted(n.recipient.username for n in sent) == ["agent", "zhuguan"]


def test_the_navbar_counts_unread_and_the_list_reads_them(org: Org) -> None:
    notify(recipients=[org.agent], kind="ticket_assigned", title="新工单 T000001")
    notify(recipients=[org.agent], kind="ticket_assigned", title="新工单 T000002")
    client = org.client_for(org.agent)
    home = client.get("/").content.decode()
    assert 'id="unread-count">2<' in home
    page = client.get("/notifications/").content.decode()
    assert "新工单 T000002" in page
    assert 'id="unread-count"' not in client.get("/").content.decode()


def test_the_recipient_acknowledges_from_the_list(org: Org) -> None:
    [notice] = notify(recipients=[org.supervisor], kind="ticket_escalation", title="工单升级")
    client = org.client_for(org.supervisor)
    client.post(f"/notifications/{notice.pk}/acknowledge/")
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert "已确认" in client.get("/notifications/").content.decode()


def test_nobody_else_can_acknowledge_it(org: Org) -> None:
    [notice] = notify(recipients=[org.supervisor], kind="ticket_escalation", title="工单升级")
    response = org.client_for(org.agent).post(f"/notifications/{notice.pk}/acknowledge/")
    assert response.status_code == 404
    assert not notification_acknowledge(notification=notice, user=org.agent)
    assert Notification.objects.get().acknowledged_at is None
