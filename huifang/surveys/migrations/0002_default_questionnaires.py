from django.db import migrations
from django.utils import timezone


def install(apps, schema_editor):
    from huifang.surveys.defaults import install_defaults

    install_defaults(
        apps.get_model("surveys", "Questionnaire"),
        apps.get_model("surveys", "QuestionnaireVersion"),
        apps.get_model("surveys", "Script"),
        timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
