from django.urls import path

from . import views

app_name = "ebox"

urlpatterns = [
    path("document/<int:pk>/envoyer/", views.send, name="send"),
    path("document/<int:pk>/publications/", views.document_publications, name="document_publications"),
    path("publication/<int:pk>/envoyee/", views.queued, name="queued"),
    path("publication/<int:pk>/reessayer/", views.retry, name="retry"),
    path("publication/<int:pk>/verifier/", views.verify, name="verify"),
    path("envois/", views.publications, name="publications"),
]
