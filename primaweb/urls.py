from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

core_patterns = [
    path("", views.home, name="home"),
    path("centre/choisir/", views.choose_centre, name="choose_centre"),
    path("centre/<int:centre_id>/choisir/", views.select_centre, name="select_centre"),
    path("centre/fiche/", views.centre_sheet, name="centre_sheet"),
    path("centre/assistants-sociaux/", views.social_workers, name="social_workers"),
    path("acces/", views.my_access, name="my_access"),
    path("admin-logs/", views.audit_log, name="audit_log"),
    path("admin-logs/<int:pk>/", views.audit_event_detail, name="audit_event"),
    path("invitation/", views.invitation, name="invitation"),
]

urlpatterns = [
    path("", include((core_patterns, "primaweb"))),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dossiers/", include("dossiers.urls")),
    path("documents/", include("documents.urls")),
    path("ebox/", include("ebox.urls")),
    path("centre-ebox/", include("centrebox.urls")),
    path("cpas-online/", include("cpasonline.urls")),
    path("mutations/", include("mutations.urls")),
    path("echeancier/", include("deadlines.urls")),
    path("courriers/", include("letters.urls")),
]

if settings.SIMULATORS_ENABLED:
    urlpatterns += [
        path("simulators/bcss/", include("simulators.bcss.urls")),
        path("simulators/ebox/", include("simulators.ebox.urls")),
    ]

handler403 = "primaweb.views.permission_denied"
handler404 = "primaweb.views.page_not_found"
