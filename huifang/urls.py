from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("huifang.core.urls")),
    path("accounts/", include("huifang.accounts.urls")),
    path("customers/", include("huifang.customers.urls")),
    path("audit/", include("huifang.audit.urls")),
    path("tickets/", include("huifang.tickets.urls")),
    path("notifications/", include("huifang.notifications.urls")),
    path("workspace/", include("huifang.workspace.urls")),
    path("", include("huifang.surveys.urls")),
    path("", include("huifang.followups.urls")),
    path("", include("huifang.workdays.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
