from django.apps import AppConfig


class PaymentConfig(AppConfig):
    name = "mercato.payment"
    label = "payment"
