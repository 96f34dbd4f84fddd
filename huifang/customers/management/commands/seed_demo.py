"""Generate deterministic demo data at any scale: `seed_demo --customers 200`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from huifang.core.bulk import insert_rows, next_id, reset_sequences
from huifang.customers import demo_data
from huifang.customers.classify import Rules, classify, customer_facts
from huifang.customers.demo_users import ensure_demo_users
from huifang.customers.models import ArchiveSettings, Contact, Customer, Product, Purchase
from huifang.customers.phones import last_four
from huifang.customers.search_keys import company_key, name_keys
from huifang.customers.services import archive_analyze
from huifang.domain.classification import PurchaseFact, product_class

CHUNK = 5_000
# From this many customers on, the archive's search indexes are dropped during the load and
# built again afterwards: sorting a million keys once beats a million random inserts into
# each of ten B-trees (6 minutes instead of 2 for a million customers on SQLite).
REBUILD_INDEXES_FROM = 50_000
INDEXED = (Customer, Contact)


@contextmanager
def search_indexes_rebuilt_after(rebuild: bool) -> Iterator[None]:
    if not rebuild:
        yield
        return
    with connection.schema_editor() as editor:
        for model in INDEXED:
            for index in model._meta.indexes:
                editor.remove_index(model, index)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model in INDEXED:
                for index in model._meta.indexes:
                    editor.add_index(model, index)


class Command(BaseCommand):
    help = "Create demo users, products, customers and purchases (deterministic by --seed)."
    rules: Rules

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=200, help="how many customers")
        parser.add_argument("--seed", type=int, default=42, help="same seed, same data")
        parser.add_argument("--today", type=date.fromisoformat, help="anchor day, YYYY-MM-DD")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when customers already exist"
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["customers"]
        if count < 0:
            raise CommandError("--customers must be 0 or more")
        if options["if_empty"] and Customer.objects.exists():
            self.stdout.write("Customers already exist; demo data left as it is.")
            return
        today: date = options["today"] or timezone.localdate()
        seed: int = options["seed"]

        with transaction.atomic():
            agents = ensure_demo_users()
            archive = ArchiveSettings.load()
            products = self._products(archive)
            self.rules = archive.classification_rules()
        first = next_id(Customer)
        progress = tqdm(
            total=count, unit="customer", disable=options["no_progress"], desc="demo customers"
        )
        next_contact, next_purchase = next_id(Contact), next_id(Purchase)
        with search_indexes_rebuilt_after(count >= REBUILD_INDEXES_FROM):
            for start in range(0, count, CHUNK):
                size = min(CHUNK, count - start)
                with transaction.atomic():
                    next_contact, next_purchase = self._write_chunk(
                        first + start,
                        size,
                        seed,
                        today,
                        agents,
                        products,
                        next_contact,
                        next_purchase,
                    )
                progress.update(size)
        progress.close()
        if count:
            archive_analyze()
        reset_sequences(Customer, Contact, Purchase)
        self.stdout.write(self.style.SUCCESS(f"Created {count} demo customers (seed {seed})."))

    def _products(self, archive: ArchiveSettings) -> list[Product]:
        result = []
        for item in demo_data.products():
            product, _ = Product.objects.update_or_create(
                sku=item.sku,
                defaults={
                    "name": item.name,
                    "model": item.model,
                    "line": item.line,
                    "unit_price": item.unit_price,
                    "product_class": product_class(
                        item.unit_price, archive.product_thresholds()
                    ).value,
                    "repurchase_cycle_days": item.repurchase_cycle_days,
                },
            )
            result.append(product)
        return result

    def _write_chunk(
        self,
        first_id: int,
        size: int,
        seed: int,
        today: date,
        agents: list[Any],
        products: list[Product],
        contact_id: int,
        purchase_id: int,
    ) -> tuple[int, int]:
        now = timezone.now()
        customer_rows, contact_rows, purchase_rows = [], [], []
        for customer_id, person in zip(
            range(first_id, first_id + size),
            demo_data.customers(first_id, size, seed=seed, today=today),
            strict=True,
        ):
            owner = agents[customer_id % len(agents)]
            facts = []
            for bought in person.purchases:
                product = products[bought.product_index]
                amount = product.unit_price * bought.quantity
                facts.append(PurchaseFact(on=bought.purchased_on, amount=amount))
                purchase_rows.append(
                    (
                        purchase_id,
                        customer_id,
                        product.pk,
                        f"DEMO-{seed}-{purchase_id:09d}",
                        bought.quantity,
                        amount,
                        bought.purchased_on,
                        bought.delivered_on,
                        bought.first_used_on,
                        bought.contract_end_on,
                    )
                )
                purchase_id += 1
            classified = classify(customer_facts(facts, None, False), today, self.rules)
            pinyin, initials = name_keys(person.name)
            customer_rows.append(
                (
                    customer_id,
                    person.name,
                    person.company,
                    person.region,
                    person.city,
                    person.industry,
                    classified.tier,
                    owner.pk,
                    owner.team_id,
                    "",  # preferred channel: unknown until asked (F6)
                    "[]",  # refused channels
                    False,  # opted out
                    0,  # contact level: normal
                    json.dumps(classified.flags),
                    classified.high_value,
                    classified.potential,
                    classified.churn_risk,
                    today,
                    pinyin,
                    initials,
                    company_key(person.company),
                    now,
                    now,
                )
            )
            contact_rows.append(
                (
                    contact_id,
                    customer_id,
                    person.name,
                    person.phone,
                    last_four(person.phone),
                    person.email,
                    person.wechat_id,
                    True,
                )
            )
            contact_id += 1
        insert_rows(
            Customer,
            [
                "id",
                "name",
                "company",
                "region",
                "city",
                "industry",
                "tier",
                "owner_id",
                "team_id",
                "preferred_channel",
                "refused_channels",
                "opted_out",
                "contact_level",
                "flags",
                "segment_high_value",
                "segment_potential",
                "segment_churn_risk",
                "classified_on",
                "name_pinyin",
                "name_initials",
                "company_key",
                "created_at",
                "updated_at",
            ],
            customer_rows,
        )
        insert_rows(
            Contact,
            [
                "id",
                "customer_id",
                "name",
                "phone",
                "phone_last4",
                "email",
                "wechat_id",
                "is_primary",
            ],
            contact_rows,
        )
        insert_rows(
            Purchase,
            [
                "id",
                "customer_id",
                "product_id",
                "order_no",
                "quantity",
                "amount",
                "purchased_on",
                "delivered_on",
                "first_used_on",
                "contract_end_on",
            ],
            purchase_rows,
        )
        return contact_id, purchase_id
