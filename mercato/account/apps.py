from django.apps import AppConfig


class AccountConfig(AppConfig):
    name = "mercato.account"
    label = "account"
