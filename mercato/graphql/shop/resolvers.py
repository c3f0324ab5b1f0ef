"""The ``shop`` query and mutations: the stored settings, channels and zones.

The ``Shop`` object is the ``SiteSettings`` row, so ``updateMetadata`` (whose
``item`` is that row) resolves through the same fields.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

import phonenumbers
from ariadne import MutationType, ObjectType, QueryType
from django.conf import settings
from graphql import GraphQLEnumType, GraphQLResolveInfo

from mercato.account.models import Address
from mercato.channel.queries import list_channels
from mercato.core.languages import country_name, to_stored_code
from mercato.core.permissions import Permission
from mercato.graphql.account.auth import permission_display
from mercato.graphql.core.errors import PermissionDenied
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.metadata import bind_metadata
from mercato.graphql.core.mutations import mutation
from mercato.graphql.core.permissions import actor_of, require_any
from mercato.graphql.core.resolvers import country_display, language_display
from mercato.shipping.queries import countries_in_zones
from mercato.site import services
from mercato.site.models import SiteSettings
from mercato.site.queries import get_site_settings

query = QueryType()
mutations = MutationType()
shop_type = ObjectType("Shop")
domain_type = ObjectType("Domain")

SCHEMA_VERSION = "3.23"


def _version() -> str:
    try:
        return package_version("mercato")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


VERSION = _version()


def _staff_or_app(info: GraphQLResolveInfo) -> None:
    actor = actor_of(info)
    if not (actor.is_staff or actor.app_id is not None):
        raise PermissionDenied(["AUTHENTICATED_STAFF_USER", "AUTHENTICATED_APP"])


@query.field("shop")
def resolve_shop(_: None, info: GraphQLResolveInfo) -> SiteSettings:
    return get_site_settings()


@shop_type.field("id")
def resolve_id(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    return to_global_id("Shop", root.pk)


def _text(name: str) -> Any:
    def resolve(root: SiteSettings, info: GraphQLResolveInfo) -> str | None:
        return getattr(root, name) or None

    return resolve


shop_type.set_field("description", _text("description"))
shop_type.set_field("headerText", _text("header_text"))


@shop_type.field("domain")
def resolve_domain(root: SiteSettings, info: GraphQLResolveInfo) -> SiteSettings:
    return root


@domain_type.field("host")
def resolve_host(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    return root.domain


@domain_type.field("sslEnabled")
def resolve_ssl_enabled(root: SiteSettings, info: GraphQLResolveInfo) -> bool:
    request = info.context.request
    return bool(request is not None and request.is_secure())


@domain_type.field("url")
def resolve_url(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    scheme = "https" if resolve_ssl_enabled(root, info) else "http"
    return f"{scheme}://{root.domain}/"


@shop_type.field("languages")
def resolve_languages(
    root: SiteSettings, info: GraphQLResolveInfo
) -> list[dict[str, str]]:
    enum = info.schema.type_map["LanguageCodeEnum"]
    assert isinstance(enum, GraphQLEnumType)
    return [language_display(to_stored_code(code)) for code in enum.values]


@shop_type.field("defaultCountry")
def resolve_default_country(
    root: SiteSettings, info: GraphQLResolveInfo
) -> dict[str, str] | None:
    channels = list_channels()
    return country_display(channels[0].default_country) if channels else None


@shop_type.field("permissions")
def resolve_permissions(
    root: SiteSettings, info: GraphQLResolveInfo
) -> list[dict[str, str]]:
    _staff_or_app(info)
    return [permission_display(p.value) for p in Permission]


@shop_type.field("version")
def resolve_version(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    return VERSION


@shop_type.field("schemaVersion")
def resolve_schema_version(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    return SCHEMA_VERSION


@shop_type.field("defaultWeightUnit")
def resolve_default_weight_unit(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    return root.default_weight_unit


@shop_type.field("fulfillmentAutoApprove")
def resolve_fulfillment_auto_approve(
    root: SiteSettings, info: GraphQLResolveInfo
) -> bool:
    return root.fulfillment_auto_approve


@shop_type.field("fulfillmentAllowUnpaid")
def resolve_fulfillment_allow_unpaid(
    root: SiteSettings, info: GraphQLResolveInfo
) -> bool:
    return root.fulfillment_allow_unpaid


@shop_type.field("trackInventoryByDefault")
def resolve_track_inventory(root: SiteSettings, info: GraphQLResolveInfo) -> bool:
    return root.track_inventory_by_default


@shop_type.field("limitQuantityPerCheckout")
def resolve_limit_quantity(root: SiteSettings, info: GraphQLResolveInfo) -> int:
    return int(settings.MAX_CHECKOUT_LINE_QUANTITY)


@shop_type.field("companyAddress")
def resolve_company_address(
    root: SiteSettings, info: GraphQLResolveInfo
) -> Address | None:
    return root.company_address


@shop_type.field("enableAccountConfirmationByEmail")
def resolve_account_confirmation(root: SiteSettings, info: GraphQLResolveInfo) -> bool:
    return bool(settings.ACCOUNT_CONFIRMATION_REQUIRED)


PHONE_PREFIXES = sorted(f"+{code}" for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@shop_type.field("phonePrefixes")
def resolve_phone_prefixes(root: SiteSettings, info: GraphQLResolveInfo) -> list[str]:
    return PHONE_PREFIXES


@shop_type.field("availableExternalAuthentications")
def resolve_external_authentications(
    root: SiteSettings, info: GraphQLResolveInfo
) -> list[dict[str, str]]:
    return []


@shop_type.field("preserveAllAddressFields")
def resolve_preserve_address_fields(
    root: SiteSettings, info: GraphQLResolveInfo
) -> bool:
    return False


@shop_type.field("passwordLoginMode")
def resolve_password_login_mode(root: SiteSettings, info: GraphQLResolveInfo) -> str:
    return "ENABLED"


bind_metadata(shop_type, Permission.MANAGE_SETTINGS)

SETTINGS_FIELDS = (
    "name",
    "header_text",
    "description",
    "track_inventory_by_default",
    "default_weight_unit",
    "fulfillment_auto_approve",
    "fulfillment_allow_unpaid",
)


@mutations.field("shopSettingsUpdate")
@require_any(Permission.MANAGE_SETTINGS)
@mutation("shop_errors")
def resolve_shop_settings_update(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    values = {name: input[name] for name in SETTINGS_FIELDS if name in input}
    site = services.update_site_settings(actor=actor_of(info), values=values)
    return {"shop": site}


@mutations.field("shopDomainUpdate")
@require_any(Permission.MANAGE_SETTINGS)
@mutation("shop_errors")
def resolve_shop_domain_update(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any] | None = None
) -> dict[str, Any]:
    data = input or {}
    site = services.update_site_domain(
        actor=actor_of(info), domain=data.get("domain"), name=data.get("name")
    )
    return {"shop": site}


@mutations.field("shopAddressUpdate")
@require_any(Permission.MANAGE_SETTINGS)
@mutation("shop_errors")
def resolve_shop_address_update(
    _: None, info: GraphQLResolveInfo, input: dict[str, Any] | None = None
) -> dict[str, Any]:
    site = services.update_company_address(actor=actor_of(info), address=input)
    return {"shop": site}


@shop_type.field("channelCurrencies")
def resolve_channel_currencies(
    root: SiteSettings, info: GraphQLResolveInfo
) -> list[str]:
    _staff_or_app(info)
    return sorted({channel.currency_code for channel in list_channels()})


@shop_type.field("countries")
def resolve_countries(
    root: SiteSettings,
    info: GraphQLResolveInfo,
    language_code: str | None = None,
    filter: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    enum = info.schema.type_map["CountryCode"]
    assert isinstance(enum, GraphQLEnumType)
    codes: list[str] = list(enum.values)
    attached = (filter or {}).get("attached_to_shipping_zones")
    if attached is not None:
        in_zones = countries_in_zones()
        codes = [code for code in codes if (code in in_zones) == attached]
    return [country_display(code) for code in sorted(codes, key=country_name)]


bindables = [query, mutations, shop_type, domain_type]
