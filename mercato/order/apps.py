from django.apps import AppConfig


class OrderConfig(AppConfig):
    name = "mercato.order"
    label = "order"
