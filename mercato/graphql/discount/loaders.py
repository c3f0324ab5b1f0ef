from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min, Sum

from mercato.discount.models import (
    PromotionRule,
    VoucherChannelListing,
    VoucherCode,
)
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader


class RulesByPromotionLoader(RelatedListLoader):
    model = PromotionRule
    owner = "promotion"


class ChannelsByRuleLoader(RelatedListLoader):
    model = PromotionRule.channels.through
    owner = "promotionrule"
    pick = "channel"
    ordering = ("channel__slug",)


class GiftIdsByRuleLoader(Loader[int, list[int]]):
    def default(self) -> list[int]:
        return []

    def batch_load(self, keys: list[int]) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        rows = PromotionRule.gifts.through.objects.filter(promotionrule_id__in=keys)
        for rule_id, variant_id in rows.order_by("productvariant_id").values_list(
            "promotionrule_id", "productvariant_id"
        ):
            grouped.setdefault(rule_id, []).append(variant_id)
        return grouped


class ListingsByVoucherLoader(RelatedListLoader):
    model = VoucherChannelListing
    owner = "voucher"


@dataclass(frozen=True)
class CodeStats:
    used: int
    count: int
    first_code: str | None


class CodeStatsByVoucherLoader(Loader[int, CodeStats]):
    """How often a voucher's codes were used, how many it has, and the lowest."""

    def default(self) -> CodeStats:
        return CodeStats(0, 0, None)

    def batch_load(self, keys: list[int]) -> dict[int, CodeStats]:
        rows = (
            VoucherCode.objects.filter(voucher_id__in=keys)
            .order_by()
            .values("voucher_id")
            .annotate(used=Sum("used"), count=Count("pk"), first=Min("code"))
        )
        return {
            row["voucher_id"]: CodeStats(row["used"] or 0, row["count"], row["first"])
            for row in rows
        }
