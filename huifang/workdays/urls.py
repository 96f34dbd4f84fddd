from django.urls import path

from huifang.workdays import views

app_name = "workdays"

urlpatterns = [path("manage/calendar/", views.calendar, name="calendar")]
