"""Merging a duplicate customer by hand (C7): preview, everything moves, one audit entry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from huifang.audit.selectors import entries_for
from huifang.customers.merging import customer_merge
from huifang.customers.models import Channel, Customer, MergedCustomer, Product
from huifang.customers.services import ContactData, customer_create, purchase_create
from huifang.followups.models import FollowUp
from huifang.followups.services import followups_plan_customers
from huifang.surveys.models import QuestionnaireVersion, Response
from huifang.tickets.models import Ticket
from huifang.tickets.services import NewTicket, ticket_create
from tests.conftest import Org

TODAY = timezone.localdate()


def pair(org: Org, products: dict[str, Product]) -> tuple[Customer, Customer]:
    """王强 of 华盛 as kept, and the same person entered again with more details."""
    kept = customer_create(
        actor=org.admin,
        name="王强",
        company="华盛公司",
        owner=org.agent,
        tags=["经销商"],
        contacts=[ContactData(name="王强", phone="+8613800012345", is_primary=True)],
    )
    duplicate = customer_create(
        actor=org.admin,
        name="王强",
        company="华盛机械",
        region="浙江",
        city="杭州",
        industry="制造业",
        owner=org.agent,
        tags=["经销商", "重点"],
        contacts=[
            ContactData(name="王强", phone="+8613800012345", email="wq@hs.cn", is_primary=True),
            ContactData(name="王太太", phone="+8613900012345"),
        ],
    )
    duplicate.refused_channels = [Channel.SMS]
    duplicate.save()
    purchase_create(
        actor=org.admin,
        customer=duplicate,
        product=products["HV-001"],
        order_no="SO-DUP-1",
        amount=Decimal("38000"),
        purchased_on=TODAY - timedelta(days=5),
        delivered_on=TODAY - timedelta(days=1),
    )
    return kept, duplicate


def history_of(customer: Customer) -> None:
    """A planned delivery follow-up, an answered survey and a ticket."""
    followups_plan_customers(now=timezone.now(), customer_ids=[customer.pk])
    followup = FollowUp.objects.filter(customer=customer).first()
    assert followup is not None
    Response.objects.create(
        followup=followup,
        customer=customer,
        version=QuestionnaireVersion.objects.earliest("id"),
        via="agent",
        channel="phone",
        started_at=timezone.now(),
    )
    ticket_create(
        data=NewTicket(
            customer_id=customer.pk,
            category="quality_fault",
            severity="major",
            description="设备开机后无法启动",
        ),
        actor=None,
        now=timezone.now(),
    )


def test_the_preview_lists_what_will_move_and_changes_nothing(
    org: Org, products: dict[str, Product]
) -> None:
    kept, duplicate = pair(org, products)
    history_of(duplicate)
    url = reverse("customers:merge_preview", args=[kept.pk, duplicate.pk])
    response = org.client_for(org.supervisor).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    preview = response.context["preview"]
    moving = {row.label: row.count for row in preview.moving}
    assert moving["联系人"] == 2
    assert moving["购买记录"] == 1
    assert moving["工单"] == 1
    assert moving["问卷答卷"] == 1
    assert moving["回访"] >= 1
    assert dict(preview.filled)["地区"] == "浙江"
    assert preview.same_contacts == ["王强 138****2345"]
    assert preview.same_tags == ["经销商"]
    assert (
        f"将 王强（华盛机械）（编号 {duplicate.pk}）并入 王强（华盛公司）（编号 {kept.pk}）" in page
    )
    assert Customer.objects.filter(pk=duplicate.pk).exists()


def test_confirming_moves_everything_fills_blanks_and_removes_the_duplicate(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    kept, duplicate = pair(org, products)
    history_of(duplicate)
    followups = set(FollowUp.objects.filter(customer=duplicate).values_list("pk", flat=True))
    url = reverse("customers:merge_preview", args=[kept.pk, duplicate.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = org.client_for(org.supervisor).post(url)
    assert response["Location"] == reverse("customers:detail", args=[kept.pk])
    kept.refresh_from_db()
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert (kept.company, kept.region, kept.city, kept.industry) == (
        "华盛公司",
        "浙江",
        "杭州",
        "制造业",
    )
    assert kept.refused_channels == [Channel.SMS]
    assert list(kept.purchases.values_list("order_no", flat=True)) == ["SO-DUP-1"]
    assert sorted(kept.tags.values_list("name", flat=True)) == ["经销商", "重点"]
    contacts = list(kept.contacts.values_list("name", "phone", "email", "is_primary"))
    assert contacts == [
        ("王强", "+8613800012345", "wq@hs.cn", True),
        ("王太太", "+8613900012345", "", False),
    ]
    assert set(FollowUp.objects.filter(customer=kept).values_list("pk", flat=True)) >= followups
    assert all(
        key.startswith(f"{kept.pk}|")
        for key in FollowUp.objects.filter(customer=kept).values_list("dedupe_key", flat=True)
    )
    assert Ticket.objects.get().customer_id == kept.pk
    assert Response.objects.get().customer_id == kept.pk
    # Planning the kept customer again finds the moved follow-ups: nothing is planned twice.
    assert FollowUp.objects.filter(customer=kept).count() == len(followups)


def test_one_audit_entry_records_the_merge(org: Org, products: dict[str, Product]) -> None:
    kept, duplicate = pair(org, products)
    duplicate_id = duplicate.pk
    customer_merge(actor=org.supervisor, kept=kept, duplicate=duplicate)
    entry = entries_for(kept).get(action="merge")
    assert entry.actor == org.supervisor
    assert entry.changes["merged_from"] == [None, f"王强（华盛机械）（{duplicate_id}）"]
    assert entry.changes["region"] == [None, "浙江"]
    assert entry.changes["contacts"] == [["王强 138****2345"], None]
    assert f"客户（编号 {duplicate_id}）已并入本客户" in entry.note
    assert "联系人 1" in entry.note and "购买记录 1" in entry.note
    tombstone = MergedCustomer.objects.get(merged_id=duplicate_id)
    assert (tombstone.into, tombstone.merged_by) == (kept, org.supervisor)
    assert tombstone.profile["company"] == "华盛机械"


def test_the_old_page_of_the_duplicate_leads_to_the_customer_kept(
    org: Org, products: dict[str, Product]
) -> None:
    kept, duplicate = pair(org, products)
    duplicate_id = duplicate.pk
    customer_merge(actor=org.admin, kept=kept, duplicate=duplicate)
    client = org.client_for(org.agent)
    response = client.get(reverse("customers:detail", args=[duplicate_id]), follow=True)
    assert response.redirect_chain == [(reverse("customers:detail", args=[kept.pk]), 302)]
    assert f"客户（编号 {duplicate_id}）已并入本客户。" in response.content.decode()
    assert client.get(reverse("customers:detail", args=[duplicate_id + 100])).status_code == 404


def test_a_failure_midway_leaves_both_customers_as_they_were(
    org: Org, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, duplicate = pair(org, products)
    from huifang.customers import merging

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "audit_record", broken)
    with pytest.raises(RuntimeError):
        customer_merge(actor=org.admin, kept=kept, duplicate=duplicate)
    assert Customer.objects.filter(pk=duplicate.pk).exists()
    assert duplicate.contacts.count() == 2 and duplicate.purchases.count() == 1
    kept.refresh_from_db()
    assert kept.region == "" and kept.contacts.count() == 1
    assert not MergedCustomer.objects.exists()


def test_the_search_finds_the_duplicate_and_suggests_likely_ones(
    org: Org, products: dict[str, Product]
) -> None:
    kept, duplicate = pair(org, products)
    client = org.client_for(org.admin)
    url = reverse("customers:merge_search", args=[kept.pk])
    response = client.get(url, {"q": "华盛机械"})
    assert [c.pk for c in response.context["found"]] == [duplicate.pk]
    assert [c.pk for c in response.context["likely"]] == [duplicate.pk]
    assert reverse("customers:merge_preview", args=[kept.pk, duplicate.pk]) in (
        response.content.decode()
    )


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_only_supervisors_and_administrators_merge(
    org: Org, products: dict[str, Product], role: str
) -> None:
    kept, duplicate = pair(org, products)
    client = org.client_for(getattr(org, role))
    assert client.get(reverse("customers:merge_search", args=[kept.pk])).status_code == 403
    url = reverse("customers:merge_preview", args=[kept.pk, duplicate.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Customer.objects.filter(pk=duplicate.pk).exists()
    detail = client.get(reverse("customers:detail", args=[kept.pk])).content.decode()
    assert "合并重复客户" not in detail


def test_a_customer_cannot_be_merged_into_itself(org: Org, products: dict[str, Product]) -> None:
    kept, _duplicate = pair(org, products)
    url = reverse("customers:merge_preview", args=[kept.pk, kept.pk])
    response = org.client_for(org.admin).post(url, follow=True)
    assert "客户不能与自身合并。" in response.content.decode()
    assert Customer.objects.filter(pk=kept.pk).exists()
