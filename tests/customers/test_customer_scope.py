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
