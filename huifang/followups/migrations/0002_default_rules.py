from django.db import migrations

from huifang.followups.defaults import install_default_rules


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    install_default_rules(apps.get_model("followups", "CadenceRule"), apps.get_model("followups", "CadenceStep"))
    apps.get_model("followups", "ContactPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
