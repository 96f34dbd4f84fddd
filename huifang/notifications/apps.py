from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "huifang.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from huifang.notifications import signals
        from huifang.notifications.models import Notification

        post_save.connect(signals.notification_changed, sender=Notification)
        post_delete.connect(signals.notification_changed, sender=Notification)
        user_logged_in.connect(signals.user_logged_in)
