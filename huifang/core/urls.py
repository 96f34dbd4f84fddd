from django.urls import path

from huifang.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("manage/system/", views.system_status, name="system_status"),
]
