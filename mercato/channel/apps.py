from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "mercato.channel"
    label = "channel"
