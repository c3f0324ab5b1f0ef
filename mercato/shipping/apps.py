from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "mercato.shipping"
    label = "shipping"
