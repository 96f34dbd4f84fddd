from django.urls import path

from huifang.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("next/", views.claim_next, name="next"),
    path("<int:pk>/", views.work, name="work"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/busy/", views.busy, name="busy"),
    path("<int:pk>/unreachable/", views.unreachable, name="unreachable"),
    path("<int:pk>/refused/", views.refused, name="refused"),
    path("<int:pk>/problem/", views.problem, name="problem"),
    path("<int:pk>/send-link/", views.send_link, name="send_link"),
    path("messages/<int:pk>/retry/", views.retry_message, name="retry_message"),
]
