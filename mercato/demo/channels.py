"""Demo channels and warehouses."""

from __future__ import annotations

from mercato.account.models import Address
from mercato.channel.models import Channel
from mercato.demo.context import DemoContext, to_metadata
from mercato.demo.data.content import CHANNELS, WAREHOUSES
from mercato.inventory.models import ChannelWarehouse, Warehouse


def create_channels(ctx: DemoContext) -> None:
    channels = Channel.objects.bulk_create(
        Channel(
            slug=slug,
            name=name,
            currency_code=currency,
            default_country=country,
            is_active=True,
            metadata=to_metadata(metadata),
        )
        for slug, name, currency, country, metadata in CHANNELS
    )
    ctx.channels = {channel.slug: channel for channel in channels}


def create_warehouses(ctx: DemoContext) -> None:
    """Create the warehouses with their addresses and attach each to its channels."""
    addresses = Address.objects.bulk_create(
        Address(
            company_name=spec.name,
            street_address_1=spec.street,
            city=spec.city,
            postal_code=spec.postal_code,
            country=spec.country,
            country_area=spec.country_area,
            phone=spec.phone,
        )
        for spec in WAREHOUSES
    )
    warehouses = Warehouse.objects.bulk_create(
        Warehouse(
            slug=spec.slug,
            name=spec.name,
            email=spec.email,
            address=address,
            is_private=spec.is_private,
            click_and_collect_option=spec.click_and_collect,
            metadata=to_metadata(spec.metadata),
            private_metadata={"manager": "ops@warehouse.example.com"},
        )
        for spec, address in zip(WAREHOUSES, addresses, strict=True)
    )
    ctx.warehouses = {warehouse.slug: warehouse for warehouse in warehouses}
    links: list[ChannelWarehouse] = []
    for channel_slug, channel in ctx.channels.items():
        linked = [spec for spec in WAREHOUSES if channel_slug in spec.channels]
        links.extend(
            ChannelWarehouse(
                channel=channel,
                warehouse=ctx.warehouses[spec.slug],
                sort_order=position,
            )
            for position, spec in enumerate(linked)
        )
    ChannelWarehouse.objects.bulk_create(links)
