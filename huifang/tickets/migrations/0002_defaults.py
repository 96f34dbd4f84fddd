"""Defaults from the operations manual (S002): SLA per severity, routing per category."""

from decimal import Decimal

from django.db import migrations

# severity, response hours, solution hours, notify the supervisor at once
SLA = [
    ("general", Decimal("24"), None, False),
    ("major", Decimal("4"), Decimal("48"), False),
    ("urgent", Decimal("2"), Decimal("48"), True),
]

# category → department code
ROUTING = [
    ("product_function", "product"),
    ("other_suggestion", "product"),
    ("quality_fault", "tech"),
    ("service_process", "quality"),
    ("staff_attitude", "quality"),
]


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    RoutingRule = apps.get_model("tickets", "RoutingRule")
    TicketSettings = apps.get_model("tickets", "TicketSettings")
    for severity, response, solution, notify in SLA:
        SlaPolicy.objects.get_or_create(
            severity=severity, category="", tier="",
            defaults={"response_hours": response, "solution_hours": solution,
                      "notify_supervisor": notify},
        )
    for category, code in ROUTING:
        RoutingRule.objects.get_or_create(
            category=category, severity="", tier="",
            defaults={"department_code": code, "strategy": "least_load"},
        )
    if not TicketSettings.objects.exists():
        TicketSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
