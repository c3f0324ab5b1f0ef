from django.apps import AppConfig


class ThumbnailConfig(AppConfig):
    name = "mercato.thumbnail"
    label = "thumbnail"
