"""Compute the new search keys for customers and contacts that existed before them."""

from django.db import migrations

CHUNK = 5000


def fill(apps, schema_editor):
    from huifang.customers.phones import last_four
    from huifang.customers.search_keys import company_key, name_keys

    Customer = apps.get_model("customers", "Customer")
    Contact = apps.get_model("customers", "Contact")
    last = 0
    while True:
        rows = list(
            Customer.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name", "company")[:CHUNK]
        )
        if not rows:
            break
        changed = []
        for pk, name, company in rows:
            pinyin, initials = name_keys(name)
            changed.append(Customer(pk=pk, name_pinyin=pinyin, name_initials=initials, company_key=company_key(company)))
        Customer.objects.bulk_update(changed, ["name_pinyin", "name_initials", "company_key"])
        last = rows[-1][0]
    last = 0
    while True:
        rows = list(Contact.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "phone")[:CHUNK])
        if not rows:
            break
        Contact.objects.bulk_update(
            [Contact(pk=pk, phone_last4=last_four(phone)) for pk, phone in rows], ["phone_last4"]
        )
        last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0004_archive_search_tags_imports"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
