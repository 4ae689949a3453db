from django.urls import path, re_path

from . import views

app_name = "bcss_simulator"

urlpatterns = [
    path("connectors/webservice/KSZBCSSWebServiceConnectorPort", views.connector, name="connector"),
    # Stands in for the BCSS mutation flow (see mutation_pull.py).
    path("mutations/MutationPullPort", views.mutation_pull, name="mutation_pull"),
    path("RetrieveTIGroupsService/v2/retrieveTI", views.retrieve_ti_groups, name="retrieve_ti_groups"),
    # Last: every other address under the simulator answers a SOAP fault, not the site's HTML 404.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
