from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "huifang.surveys"
    label = "surveys"
    verbose_name = _("Questionnaires and scripts")

    def ready(self) -> None:
        from huifang.customers.timeline import register_timeline_provider
        from huifang.surveys.timeline import answer_entries

        register_timeline_provider("survey_answers", answer_entries)
