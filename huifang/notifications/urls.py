from django.urls import path

from huifang.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/acknowledge/", views.notification_acknowledge, name="acknowledge"),
]
