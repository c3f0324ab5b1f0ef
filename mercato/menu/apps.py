from django.apps import AppConfig


class MenuConfig(AppConfig):
    name = "mercato.menu"
    label = "menu"
