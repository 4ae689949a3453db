from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("", views.deadline_list, name="list"),
    path("<int:pk>/courrier-papier-envoye/", views.paper_sent, name="paper_sent"),
    path("resume-quotidien/", views.digest, name="digest"),
]
