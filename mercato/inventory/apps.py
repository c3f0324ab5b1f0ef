from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "mercato.inventory"
    label = "inventory"
