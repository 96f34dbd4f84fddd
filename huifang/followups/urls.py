from django.urls import path

from huifang.followups import views

app_name = "followups"

urlpatterns = [
    path("manage/rules/", views.rule_list, name="rule_list"),
    path("manage/rules/new/", views.rule_edit, name="rule_create"),
    path("manage/rules/<int:pk>/", views.rule_edit, name="rule_update"),
    path("manage/rules/replan/", views.replan, name="replan"),
    path("manage/contact-policy/", views.policy_edit, name="policy"),
    path("manage/releases/", views.releases, name="releases"),
    path("manage/blackouts/<int:pk>/delete/", views.blackout_delete, name="blackout_delete"),
    path("followups/customer/<int:customer_id>/", views.customer_plan, name="customer_plan"),
]
