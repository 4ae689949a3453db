from django.urls import path

from . import views

app_name = "bcss_simulator"

urlpatterns = [
    path("connectors/webservice/KSZBCSSWebServiceConnectorPort", views.connector, name="connector"),
]
