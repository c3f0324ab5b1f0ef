from django.apps import AppConfig


class DiscountConfig(AppConfig):
    name = "mercato.discount"
    label = "discount"
