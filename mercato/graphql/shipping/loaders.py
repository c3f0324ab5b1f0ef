from __future__ import annotations

from mercato.graphql.core.dataloaders import RelatedListLoader
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingMethodPostalCodeRule,
    ShippingZone,
)


class MethodsByZoneLoader(RelatedListLoader):
    model = ShippingMethod
    owner = "shipping_zone"


class ListingsByMethodLoader(RelatedListLoader):
    model = ShippingMethodChannelListing
    owner = "shipping_method"


class PostalCodeRulesByMethodLoader(RelatedListLoader):
    model = ShippingMethodPostalCodeRule
    owner = "shipping_method"


class ChannelsByZoneLoader(RelatedListLoader):
    model = ShippingZone.channels.through
    owner = "shippingzone"
    pick = "channel"
    ordering = ("channel__slug",)


class WarehousesByZoneLoader(RelatedListLoader):
    model = ShippingZone.warehouses.through
    owner = "shippingzone"
    pick = "warehouse"
    ordering = ("warehouse__slug",)
