from django.urls import path

from mercato.graphql.view import graphql_view
from mercato.server.thumbnails import media_view, thumbnail_view
from mercato.server.views import health, jwks

urlpatterns = [
    path("graphql/", graphql_view, name="graphql"),
    path("health/", health, name="health"),
    path(".well-known/jwks.json", jwks, name="jwks"),
    path(
        "thumbnail/<str:global_id>/<str:size>/<str:format>/",
        thumbnail_view,
        name="thumbnail",
    ),
    path(
        "thumbnail/<str:global_id>/<str:size>/",
        thumbnail_view,
        name="thumbnail-original",
    ),
    path("media/<path:path>", media_view, name="media"),
]
