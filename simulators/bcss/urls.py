from django.urls import path, re_path

from . import views

app_name = "bcss_simulator"

urlpatterns = [
    path("connectors/webservice/KSZBCSSWebServiceConnectorPort", views.connector, name="connector"),
    path("RetrieveTIGroupsService/v2/retrieveTI", views.retrieve_ti_groups, name="retrieve_ti_groups"),
    # Last: every other address under the simulator answers a SOAP fault, not the site's HTML 404.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
