"""The work page shows the customer beside the script and the questionnaire."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from huifang.customers.models import Purchase
from huifang.followups.models import FollowUpStatus
from tests.conftest import Org
from tests.followups.conftest import buy
from tests.workspace.factories import THURSDAY_10, customer, followup


@time_machine.travel(THURSDAY_10, tick=False)
def test_it_shows_the_customer_the_script_and_the_questionnaire(org: Org) -> None:
    zhang = customer(team=org.east, owner=org.agent, company="华信科技")
    buy(zhang, "high_value_durable", purchased_on=THURSDAY_10.date())
    Purchase.objects.update()  # the purchase stands
    f = followup(zhang)
    client = org.client_for(org.agent)

    response = client.post(reverse("workspace:claim", args=[f.pk]))
    assert response.status_code == 302
    page = client.get(reverse("workspace:work", args=[f.pk])).content.decode()

    assert "华信科技" in page
    assert "HV" in page  # the product bought, in purchases and filled into the script
    assert '请问是<mark class="placeholder">张伟</mark>先生/女士吗' in page
    assert "王小燕" in page  # the agent's own name in the opening
    assert "目前产品运行是否稳定？" in page
    f.refresh_from_db()
    assert (f.status, f.claimed_by) == (FollowUpStatus.IN_PROGRESS, org.agent)


@time_machine.travel(THURSDAY_10, tick=False)
def test_it_refuses_agents_of_another_team(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent))
    response = org.client_for(org.other_agent).post(reverse("workspace:claim", args=[f.pk]))
    assert response.status_code == 403
    f.refresh_from_db()
    assert f.status == FollowUpStatus.PLANNED


@time_machine.travel(THURSDAY_10, tick=False)
def test_a_finished_follow_up_opens_read_only_with_its_answers(org: Org) -> None:
    f = followup(customer(team=org.east, owner=org.agent), questionnaire="nps")
    client = org.client_for(org.agent)
    client.post(reverse("workspace:claim", args=[f.pk]))
    client.post(reverse("workspace:complete", args=[f.pk]), {"nps": "9"})

    page = client.get(reverse("workspace:work", args=[f.pk])).content.decode()

    assert 'id="complete-button"' not in page
    assert 'value="9" checked' in page
    assert "completed" in page  # the contact attempt is listed
