from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "huifang.workspace"
    label = "workspace"
    verbose_name = _("Agent workspace")

    def ready(self) -> None:
        from huifang.customers.timeline import register_timeline_provider
        from huifang.workspace.timeline import followup_entries

        register_timeline_provider("followups", followup_entries)
