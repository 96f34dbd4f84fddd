from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "huifang.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # Registers the archive's own timeline providers (purchases, changes).
        from huifang.customers import timeline  # noqa: F401
