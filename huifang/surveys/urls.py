from django.urls import path

from huifang.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
    path("manage/questionnaires/", views.questionnaire_list, name="list"),
    path("manage/questionnaires/<slug:code>/", views.questionnaire_edit, name="questionnaire"),
    path(
        "manage/questionnaires/<slug:code>/change/",
        views.questionnaire_change,
        name="questionnaire_change",
    ),
    path(
        "manage/questionnaires/<slug:code>/questions/<str:key>/",
        views.question_edit,
        name="question_edit",
    ),
    path("manage/scripts/<slug:code>/", views.script_edit, name="script"),
]
