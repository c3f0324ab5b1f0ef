from django.apps import AppConfig


class AppsConfig(AppConfig):
    name = "mercato.app"
    label = "app"
