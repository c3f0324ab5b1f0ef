from django.apps import AppConfig


class GiftCardConfig(AppConfig):
    name = "mercato.giftcard"
    label = "giftcard"
