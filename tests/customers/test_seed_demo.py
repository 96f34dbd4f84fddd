from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from huifang.accounts.models import Role, User
from huifang.customers.demo_users import DEMO_PASSWORD
from huifang.customers.models import Contact, Customer, Product, Purchase
from huifang.domain.classification import PurchaseFact, customer_tier, product_class

TODAY = date(2026, 11, 26)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestSeedDemo:
    def test_it_creates_customers_with_contacts_and_purchases(self) -> None:
        seed("--customers", "40")
        assert Customer.objects.count() == 40
        assert Contact.objects.count() == 40
        assert Purchase.objects.filter(customer__isnull=True).count() == 0
        assert not Customer.objects.filter(purchases__isnull=True).exists()
        earliest = TODAY - timedelta(days=730)
        assert not Purchase.objects.filter(purchased_on__lt=earliest).exists()

    def test_it_creates_demo_users_for_every_role_who_can_log_in(self) -> None:
        seed("--customers", "1")
        roles = set(User.objects.values_list("role", flat=True))
        assert roles == {Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN}
        assert User.objects.get(username="agent").check_password(DEMO_PASSWORD)
        assert User.objects.get(username="agent").team is not None

    def test_customers_belong_to_an_agent_of_their_team(self) -> None:
        seed("--customers", "30")
        for customer in Customer.objects.select_related("owner"):
            assert customer.owner is not None
            assert customer.owner.role == Role.AGENT
            assert customer.team_id == customer.owner.team_id

    def test_tiers_and_product_classes_follow_the_domain_rules(self) -> None:
        seed("--customers", "60")
        for product in Product.objects.all():
            assert product.product_class == product_class(product.unit_price)
        for customer in Customer.objects.prefetch_related("purchases"):
            facts = [
                PurchaseFact(on=p.purchased_on, amount=p.amount) for p in customer.purchases.all()
            ]
            assert customer.tier == customer_tier(facts, TODAY)

    def test_if_empty_leaves_an_existing_archive_alone(self) -> None:
        seed("--customers", "10")
        assert "left as it is" in seed("--customers", "10", "--if-empty")
        assert Customer.objects.count() == 10

    def test_seeding_twice_adds_more_without_clashing(self) -> None:
        seed("--customers", "10")
        seed("--customers", "10")
        assert Customer.objects.count() == 20
        assert Purchase.objects.values("order_no").distinct().count() == Purchase.objects.count()
        # The id sequence moved past the bulk-inserted rows: a normal insert still works.
        Customer.objects.create(name="新客户")

    def test_the_same_seed_gives_the_same_archive(self) -> None:
        seed("--customers", "15", "--seed", "3")
        first = list(Customer.objects.order_by("id").values_list("name", "company", "tier"))
        Purchase.objects.all().delete()
        Contact.objects.all().delete()
        Customer.objects.all().delete()
        seed("--customers", "15", "--seed", "3")
        assert list(Customer.objects.order_by("id").values_list("name", "company", "tier")) == first

    def test_it_rejects_a_negative_count(self) -> None:
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--customers"):
            seed("--customers", "-1")

    def test_it_fills_search_keys_flags_and_segments_as_the_services_would(self) -> None:
        from huifang.customers.phones import last_four
        from huifang.customers.search_keys import company_key, name_keys
        from huifang.customers.services import customers_reclassify

        seed("--customers", "40")
        for customer in Customer.objects.prefetch_related("contacts"):
            assert (customer.name_pinyin, customer.name_initials) == name_keys(customer.name)
            assert customer.company_key == company_key(customer.company)
            for contact in customer.contacts.all():
                assert contact.phone_last4 == last_four(contact.phone)
        assert customers_reclassify(today=TODAY).changed == 0
        assert Customer.objects.filter(segment_high_value=True).exists()
