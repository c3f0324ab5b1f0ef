from django.urls import path

from mercato.graphql.view import graphql_view
from mercato.server.views import health

urlpatterns = [
    path("graphql/", graphql_view, name="graphql"),
    path("health/", health, name="health"),
]
