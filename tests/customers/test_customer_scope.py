from __future__ import annotations

from django.urls import reverse

from huifang.customers.models import Customer
from tests.conftest import Org


def add_customers(org: Org) -> None:
    Customer.objects.create(name="东客户", team=org.east, owner=org.agent)
    Customer.objects.create(name="南客户", team=org.south, owner=org.other_agent)


def test_an_agent_sees_only_the_customers_of_their_team(org: Org) -> None:
    add_customers(org)
    page = org.client_for(org.agent).get(reverse("customers:list")).content.decode()
    assert "东客户" in page
    assert "南客户" not in page


def test_an_agent_without_a_team_sees_no_customer(org: Org) -> None:
    add_customers(org)
    org.agent.team = None
    org.agent.save()
    page = org.client_for(org.agent).get(reverse("customers:list")).content.decode()
    assert "还没有客户" in page


def test_a_supervisor_sees_the_whole_archive(org: Org) -> None:
    add_customers(org)
    page = org.client_for(org.supervisor).get(reverse("customers:list")).content.decode()
    assert "东客户" in page and "南客户" in page


def test_the_home_page_counts_only_visible_customers(org: Org) -> None:
    add_customers(org)
    Customer.objects.create(name="东客户二", team=org.east, tier="vip")
    page = org.client_for(org.agent).get(reverse("core:home")).content.decode()
    assert '<div class="display-6" id="stat-customers">2</div>' in page


def two_customers(org: Org) -> tuple[Customer, Customer]:
    east = Customer.objects.create(name="东客户", team=org.east, owner=org.agent)
    south = Customer.objects.create(name="南客户", team=org.south, owner=org.other_agent)
    return east, south


def test_an_agent_cannot_open_another_teams_customer(org: Org) -> None:
    east, south = two_customers(org)
    client = org.client_for(org.agent)
    assert client.get(reverse("customers:detail", args=[east.pk])).status_code == 200
    response = client.get(reverse("customers:detail", args=[south.pk]))
    assert response.status_code == 403
    assert "南客户" not in response.content.decode()


def test_an_agent_cannot_export_another_teams_customer(org: Org) -> None:
    east, south = two_customers(org)
    client = org.client_for(org.agent)
    assert client.get(reverse("customers:export_one", args=[east.pk])).status_code == 200
    assert client.get(reverse("customers:export_one", args=[south.pk])).status_code == 403
    listed = client.get(reverse("customers:export"), {"team": org.south.pk})
    assert listed.status_code == 403


def test_an_agent_cannot_change_another_teams_customer(org: Org) -> None:
    _east, south = two_customers(org)
    client = org.client_for(org.agent)
    for name in ("edit", "contacts", "preferences"):
        url = reverse(f"customers:{name}", args=[south.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "改名", "opted_out": "on"}).status_code == 403
    south.refresh_from_db()
    assert (south.name, south.opted_out) == ("南客户", False)


def test_a_technician_reads_customers_but_does_not_change_them(org: Org) -> None:
    east, _south = two_customers(org)
    client = org.client_for(org.technician)
    assert client.get(reverse("customers:detail", args=[east.pk])).status_code == 200
    assert client.get(reverse("customers:edit", args=[east.pk])).status_code == 403
    assert client.get(reverse("customers:create")).status_code == 403


def test_a_missing_customer_is_not_found_rather_than_forbidden(org: Org) -> None:
    response = org.client_for(org.agent).get(reverse("customers:detail", args=[999]))
    assert response.status_code == 404
