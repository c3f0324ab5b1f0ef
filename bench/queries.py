"""GraphQL documents sent by the benchmark, shaped like a Saleor storefront's.

Every field, argument and enum value used here exists in Saleor 3.23's schema
(../shared/reference/saleor-3.23-api.graphql), so the same benchmark runs against
mercato and against Saleor itself.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a product listing tile shows: name, image, category and the price range.
PRODUCT_CARD_FRAGMENT = """
fragment ProductCard on Product {
  id
  name
  slug
  thumbnail(size: 256, format: WEBP) {
    url
    alt
  }
  category {
    id
    name
    slug
  }
  pricing {
    onSale
    priceRange {
      start {
        gross {
          amount
          currency
        }
      }
      stop {
        gross {
          amount
          currency
        }
      }
    }
    priceRangeUndiscounted {
      start {
        gross {
          amount
          currency
        }
      }
    }
    discount {
      gross {
        amount
        currency
      }
    }
  }
}
"""

PRODUCT_LIST = (
    """
query ProductList($first: Int!, $channel: String!) {
  products(first: $first, channel: $channel) {
    totalCount
    pageInfo {
      hasNextPage
      hasPreviousPage
      startCursor
      endCursor
    }
    edges {
      cursor
      node {
        ...ProductCard
      }
    }
  }
}
"""
    + PRODUCT_CARD_FRAGMENT
)

PRODUCT_SEARCH = (
    """
query SearchProducts($search: String!, $channel: String!) {
  products(first: 20, channel: $channel, search: $search) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...ProductCard
      }
    }
  }
}
"""
    + PRODUCT_CARD_FRAGMENT
)

PRODUCT_DETAIL = """
query ProductDetail($slug: String!, $channel: String!) {
  product(slug: $slug, channel: $channel) {
    id
    name
    slug
    description
    seoTitle
    seoDescription
    rating
    category {
      name
      slug
    }
    media {
      url
      alt
      type
    }
    thumbnail {
      url
    }
    attributes {
      attribute {
        slug
        name
        inputType
      }
      values {
        name
        slug
      }
    }
    variants {
      id
      name
      sku
      quantityAvailable
      attributes {
        attribute {
          slug
          name
        }
        values {
          name
        }
      }
      pricing {
        price {
          gross {
            amount
            currency
          }
        }
      }
    }
    isAvailableForPurchase
    pricing {
      priceRange {
        start {
          gross {
            amount
          }
        }
      }
    }
  }
}
"""

CATEGORY_LIST = """
query CategoryList {
  categories(first: 100, level: 0) {
    totalCount
    edges {
      node {
        id
        name
        slug
        level
        backgroundImage {
          url
        }
        children(first: 20) {
          edges {
            node {
              id
              name
              slug
            }
          }
        }
      }
    }
  }
}
"""

# Not a scenario: run once before the scenarios to learn product slugs (for
# product_detail) and words of product names (for search), and the catalog size.
SETUP_PRODUCTS = """
query BenchSetup($channel: String!) {
  products(first: 50, channel: $channel) {
    totalCount
    edges {
      node {
        slug
        name
      }
    }
  }
}
"""


@dataclass(frozen=True)
class Scenario:
    name: str
    operation_name: str
    query: str
    description: str


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "products_first_20",
            "ProductList",
            PRODUCT_LIST,
            "product listing page: 20 cards with thumbnail, category, prices",
        ),
        Scenario(
            "products_first_100",
            "ProductList",
            PRODUCT_LIST,
            "the same listing with 100 cards (the maximum page size)",
        ),
        Scenario(
            "product_detail",
            "ProductDetail",
            PRODUCT_DETAIL,
            "product page by slug: media, attributes, variants, stock, prices",
        ),
        Scenario(
            "category_list",
            "CategoryList",
            CATEGORY_LIST,
            "top-level categories with up to 20 children each",
        ),
        Scenario(
            "search",
            "SearchProducts",
            PRODUCT_SEARCH,
            "full-text product search, 20 results, rotating terms",
        ),
    )
}
