from django.apps import AppConfig


class PageConfig(AppConfig):
    name = "mercato.page"
    label = "page"
