from django.apps import AppConfig


class ProductConfig(AppConfig):
    name = "mercato.product"
    label = "product"
