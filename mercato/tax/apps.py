from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "mercato.tax"
    label = "tax"
