from __future__ import annotations

from decimal import Decimal

import pytest

from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor, Permission
from mercato.inventory.models import ChannelWarehouse
from mercato.shipping import services
from mercato.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingZone,
)
from mercato.shipping.services import (
    ListingChanges,
    MethodChanges,
    PostalCodeRange,
    ZoneChanges,
)
from tests.factories.catalog import ChannelFactory, ProductFactory, WarehouseFactory
from tests.factories.shipping import (
    ShippingMethodFactory,
    ShippingZoneFactory,
    list_method,
)

pytestmark = pytest.mark.django_db

STAFF = Actor(
    user_id=1, is_staff=True, permissions=frozenset({Permission.MANAGE_SHIPPING})
)


def codes(
    failed: pytest.ExceptionInfo[ValidationFailed],
) -> set[tuple[str | None, str]]:
    return {(error.field, error.code) for error in failed.value.errors}


def test_create_zone_with_countries_channels_and_warehouses() -> None:
    channel = ChannelFactory()
    warehouse = WarehouseFactory()
    ChannelWarehouse.objects.create(channel=channel, warehouse=warehouse)

    zone = services.create_zone(
        actor=STAFF,
        changes=ZoneChanges(
            name=" Europe ",
            countries=["pl", "DE"],
            add_channels=[channel.pk],
            add_warehouses=[warehouse.pk],
        ),
    )

    zone.refresh_from_db()
    assert zone.name == "Europe"
    assert zone.countries == ["PL", "DE"]
    assert list(zone.channels.all()) == [channel]
    assert list(zone.warehouses.all()) == [warehouse]


def test_create_zone_bad_input_changes_nothing() -> None:
    ShippingZoneFactory(default=True)
    lonely = WarehouseFactory()

    with pytest.raises(ValidationFailed) as failed:
        services.create_zone(
            actor=STAFF,
            changes=ZoneChanges(
                name=" ",
                countries=["XX", "001", "EU"],
                default=True,
                add_warehouses=[lonely.pk],
                add_channels=[10**9],
            ),
        )

    assert codes(failed) == {
        ("name", "REQUIRED"),
        ("countries", "INVALID"),
        ("default", "ALREADY_EXISTS"),
        ("addChannels", "NOT_FOUND"),
        ("addWarehouses", "INVALID"),
    }
    assert ShippingZone.objects.count() == 1


def test_removing_a_channel_drops_prices_and_stranded_warehouses() -> None:
    kept, dropped = ChannelFactory(), ChannelFactory()
    shared, only_dropped = WarehouseFactory(), WarehouseFactory()
    ChannelWarehouse.objects.create(channel=kept, warehouse=shared)
    ChannelWarehouse.objects.create(channel=dropped, warehouse=only_dropped)
    method = ShippingMethodFactory()
    zone = method.shipping_zone
    list_method(method, kept)
    list_method(method, dropped)
    zone.warehouses.add(shared, only_dropped)

    services.update_zone(
        actor=STAFF, zone_id=zone.pk, changes=ZoneChanges(remove_channels=[dropped.pk])
    )

    assert list(zone.channels.all()) == [kept]
    assert list(zone.warehouses.all()) == [shared]
    assert [x.channel for x in method.channel_listings.all()] == [kept]


def test_update_zone_same_id_added_and_removed() -> None:
    zone = ShippingZoneFactory()
    channel = ChannelFactory()
    with pytest.raises(ValidationFailed) as failed:
        services.update_zone(
            actor=STAFF,
            zone_id=zone.pk,
            changes=ZoneChanges(
                add_channels=[channel.pk], remove_channels=[channel.pk]
            ),
        )
    assert ("addChannels", "DUPLICATED_INPUT_ITEM") in codes(failed)
    assert not zone.channels.exists()


def test_delete_zones() -> None:
    first, second = ShippingZoneFactory(), ShippingZoneFactory()
    ShippingMethodFactory(shipping_zone=first)
    assert services.delete_zones(actor=STAFF, zone_ids=[first.pk, 10**9]) == 1
    assert list(ShippingZone.objects.all()) == [second]
    assert not ShippingMethod.objects.exists()
    with pytest.raises(ValidationFailed):
        services.delete_zone(actor=STAFF, zone_id=first.pk)


def test_create_method_with_postal_code_rules() -> None:
    zone = ShippingZoneFactory()
    method = services.create_method(
        actor=STAFF,
        changes=MethodChanges(
            name="Courier",
            type="weight",
            zone_id=zone.pk,
            minimum_order_weight=1.0,
            maximum_order_weight=5.0,
            minimum_delivery_days=1,
            maximum_delivery_days=3,
            add_postal_code_rules=[PostalCodeRange("00-001", "00-999")],
            inclusion_type="include",
        ),
    )
    rule = method.postal_code_rules.get()
    assert (rule.start, rule.end, rule.inclusion_type) == (
        "00-001",
        "00-999",
        "include",
    )
    assert method.shipping_zone == zone
    assert method.maximum_order_weight == 5.0


def test_method_bad_input_changes_nothing() -> None:
    method = ShippingMethodFactory(minimum_delivery_days=2)
    with pytest.raises(ValidationFailed) as failed:
        services.update_method(
            actor=STAFF,
            method_id=method.pk,
            changes=MethodChanges(
                name="",
                type="flat",
                maximum_delivery_days=1,
                minimum_order_weight=-1.0,
                add_postal_code_rules=[PostalCodeRange("1")],
                delete_postal_code_rules=[10**9],
            ),
        )
    assert codes(failed) == {
        ("name", "REQUIRED"),
        ("type", "INVALID"),
        ("maximumDeliveryDays", "MAX_LESS_THAN_MIN"),
        ("minimumOrderWeight", "INVALID"),
        ("inclusionType", "REQUIRED"),
        ("deletePostalCodeRules", "NOT_FOUND"),
    }
    method.refresh_from_db()
    assert method.maximum_delivery_days is None
    assert not method.postal_code_rules.exists()


def test_postal_code_longer_than_the_column_is_invalid() -> None:
    method = ShippingMethodFactory()
    with pytest.raises(ValidationFailed) as failed:
        services.update_method(
            actor=STAFF,
            method_id=method.pk,
            changes=MethodChanges(
                add_postal_code_rules=[PostalCodeRange("1", "9" * 33)],
                inclusion_type="exclude",
            ),
        )
    assert codes(failed) == {("addPostalCodeRules", "INVALID")}
    assert not method.postal_code_rules.exists()


def test_create_method_needs_a_zone() -> None:
    with pytest.raises(ValidationFailed) as failed:
        services.create_method(
            actor=STAFF, changes=MethodChanges(name="x", type="price")
        )
    assert codes(failed) == {("shippingZone", "REQUIRED")}


def test_channel_listings_rounded_in_channel_currency() -> None:
    channel = ChannelFactory(currency_code="JPY")
    method = ShippingMethodFactory()
    method.shipping_zone.channels.add(channel)

    services.update_method_channel_listings(
        actor=STAFF,
        method_id=method.pk,
        add=[
            ListingChanges(
                channel.pk,
                price=Decimal("500.5"),
                minimum_order_price=Decimal("1000"),
            )
        ],
    )

    listing = ShippingMethodChannelListing.objects.get()
    assert listing.currency == "JPY"
    assert listing.price_amount == Decimal("501")
    assert listing.minimum_order_price_amount == Decimal("1000")
    assert listing.maximum_order_price_amount is None

    services.update_method_channel_listings(
        actor=STAFF, method_id=method.pk, remove_channel_ids=[channel.pk]
    )
    assert not ShippingMethodChannelListing.objects.exists()


def test_channel_listing_bad_input_changes_nothing() -> None:
    channel, outside = ChannelFactory(), ChannelFactory()
    method = ShippingMethodFactory()
    list_method(method, channel, "5", minimum="10")

    with pytest.raises(ValidationFailed) as failed:
        services.update_method_channel_listings(
            actor=STAFF,
            method_id=method.pk,
            add=[
                ListingChanges(
                    channel.pk, price=Decimal(-1), maximum_order_price=Decimal(9)
                ),
                ListingChanges(outside.pk, price=Decimal(1)),
            ],
        )
    assert codes(failed) == {
        ("price", "INVALID"),
        ("maximumOrderPrice", "MAX_LESS_THAN_MIN"),
        ("addChannels", "INVALID"),
    }

    with pytest.raises(ValidationFailed) as failed:
        services.update_method_channel_listings(
            actor=STAFF,
            method_id=method.pk,
            add=[ListingChanges(outside.pk)],
        )
    method.shipping_zone.channels.add(outside)
    with pytest.raises(ValidationFailed) as failed:
        services.update_method_channel_listings(
            actor=STAFF, method_id=method.pk, add=[ListingChanges(outside.pk)]
        )
    assert codes(failed) == {("price", "REQUIRED")}
    listing = method.channel_listings.get()
    assert listing.price_amount == Decimal(5)
    assert listing.maximum_order_price_amount is None


def test_exclude_and_include_products() -> None:
    method = ShippingMethodFactory()
    first, second = ProductFactory(), ProductFactory()

    services.exclude_products(
        actor=STAFF, method_id=method.pk, product_ids=[first.pk, second.pk]
    )
    with pytest.raises(ValidationFailed) as failed:
        services.exclude_products(actor=STAFF, method_id=method.pk, product_ids=[10**9])
    assert codes(failed) == {("products", "NOT_FOUND")}
    services.include_products(actor=STAFF, method_id=method.pk, product_ids=[first.pk])

    assert list(method.excluded_products.all()) == [second]
