from django.urls import path

from huifang.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.my_tickets, name="mine"),
    path("queue/", views.department_queue, name="queue"),
    path("board/", views.sla_board, name="board"),
    path("new/", views.ticket_create, name="create"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/update/", views.ticket_update, name="update"),
    path("<int:pk>/wait/", views.ticket_wait, name="wait"),
    path("<int:pk>/resume/", views.ticket_resume, name="resume"),
    path("<int:pk>/solve/", views.ticket_solve, name="solve"),
    path("<int:pk>/call/", views.ticket_record_call, name="record_call"),
    path("<int:pk>/attach/", views.ticket_attach, name="attach"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/rules/", views.ticket_rules, name="rules"),
    path("manage/sla/new/", views.sla_policy_edit, name="sla_policy_create"),
    path("manage/sla/<int:pk>/", views.sla_policy_edit, name="sla_policy_edit"),
    path("manage/routing/new/", views.routing_rule_edit, name="routing_rule_create"),
    path("manage/routing/<int:pk>/", views.routing_rule_edit, name="routing_rule_edit"),
]
