from django.apps import AppConfig


class AttributeConfig(AppConfig):
    name = "mercato.attribute"
    label = "attribute"
