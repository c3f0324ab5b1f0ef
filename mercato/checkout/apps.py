from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "mercato.checkout"
    label = "checkout"
