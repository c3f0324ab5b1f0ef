"""Channels, warehouses, collections, pages and menus of the demo store."""

from __future__ import annotations

from mercato.demo.specs import CollectionSpec, MenuItemSpec, PageSpec, WarehouseSpec

DEFAULT_CHANNEL = "default-channel"
PLN_CHANNEL = "channel-pln"

# (slug, name, currency, default country, metadata)
CHANNELS: tuple[tuple[str, str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (DEFAULT_CHANNEL, "Default Channel", "USD", "US", (("region", "north-america"),)),
    (PLN_CHANNEL, "Channel-PLN", "PLN", "PL", (("region", "central-europe"),)),
)

# How many złoty a demo dollar price becomes.
PLN_PER_USD = 4

WAREHOUSES: tuple[WarehouseSpec, ...] = (
    WarehouseSpec(
        slug="global-fulfilment-rotterdam",
        name="Global Fulfilment Rotterdam",
        email="rotterdam@warehouse.example.com",
        channels=(DEFAULT_CHANNEL, PLN_CHANNEL),
        street="Havenstraat 118",
        city="ROTTERDAM",
        postal_code="3024 SM",
        country="NL",
        phone="+31102040000",
        metadata=(("timezone", "Europe/Amsterdam"),),
    ),
    WarehouseSpec(
        slug="americas-columbus",
        name="Americas Distribution Columbus",
        email="columbus@warehouse.example.com",
        channels=(DEFAULT_CHANNEL,),
        street="4100 Logistics Parkway",
        city="COLUMBUS",
        postal_code="43217",
        country="US",
        country_area="OH",
        phone="+16145550134",
        metadata=(("timezone", "America/New_York"),),
    ),
    WarehouseSpec(
        slug="portland-pickup-store",
        name="Portland Pickup Store",
        email="portland@store.example.com",
        channels=(DEFAULT_CHANNEL,),
        street="820 SE Alder Street",
        city="PORTLAND",
        postal_code="97214",
        country="US",
        country_area="OR",
        phone="+15035550177",
        is_private=False,
        click_and_collect="local",
        metadata=(
            ("timezone", "America/Los_Angeles"),
            ("opening_hours", "10:00-19:00"),
        ),
    ),
    WarehouseSpec(
        slug="central-europe-poznan",
        name="Central Europe Poznań",
        email="poznan@warehouse.example.com",
        channels=(PLN_CHANNEL,),
        street="ul. Składowa 15",
        city="POZNAŃ",
        postal_code="61-897",
        country="PL",
        phone="+48615550199",
        is_private=False,
        click_and_collect="all",
        metadata=(("timezone", "Europe/Warsaw"),),
    ),
)

COLLECTIONS: tuple[CollectionSpec, ...] = (
    CollectionSpec(
        slug="featured-products",
        name=("Featured Products", "Polecane produkty"),
        description=(
            "A hand-picked selection from every corner of the shop.",
            "Starannie wybrane produkty ze wszystkich działów sklepu.",
        ),
        size=12,
        order="rating",
        background=True,
        metadata=(("placement", "homepage"),),
    ),
    CollectionSpec(
        slug="summer-picks",
        name=("Summer Picks", "Letni wybór"),
        description=(
            "Light layers, cold drinks and shades for long bright days.",
            "Lekkie warstwy, zimne napoje i okulary na długie, jasne dni.",
        ),
        size=16,
        product_types=("t-shirt", "juice", "sunglasses", "headwear", "tea"),
        background=True,
        metadata=(("campaign", "summer"),),
    ),
    CollectionSpec(
        slug="new-arrivals",
        name=("New Arrivals", "Nowości"),
        description=(
            "The latest additions to the catalog.",
            "Najnowsze produkty w naszym katalogu.",
        ),
        size=20,
        order="newest",
    ),
    CollectionSpec(
        slug="gift-ideas",
        name=("Gift Ideas", "Pomysły na prezent"),
        description=(
            "Thoughtful presents that arrive ready to give.",
            "Przemyślane prezenty, gotowe do wręczenia.",
        ),
        size=14,
        product_types=("mug", "candle", "coffee", "audiobook", "bag"),
    ),
    CollectionSpec(
        slug="staff-favourites",
        name=("Staff Favourites", "Ulubione zespołu"),
        description=(
            "What our team reaches for again and again.",
            "Po co nasz zespół sięga najczęściej.",
        ),
        size=10,
    ),
)

PAGE_TYPES: tuple[tuple[str, tuple[str, str], tuple[str, ...]], ...] = (
    ("about", ("About", "O nas"), ("tagline", "founded", "team-size")),
    (
        "information",
        ("Information", "Informacje"),
        ("topic", "last-reviewed", "show-banner"),
    ),
)

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        slug="about",
        page_type="about",
        title=("About us", "O nas"),
        blocks=(
            (
                "header",
                ("A small shop with a long view", "Mały sklep z dalekim horyzontem"),
            ),
            (
                "paragraph",
                (
                    "We started in a spare room with three products and a rule: only "
                    "sell "
                    "what we would use ourselves.",
                    "Zaczynaliśmy w wolnym pokoju od trzech produktów i jednej zasady: "
                    "sprzedajemy tylko to, czego sami byśmy używali.",
                ),
            ),
            (
                "paragraph",
                (
                    "Today we work with dozens of makers, but the rule has not "
                    "changed.",
                    "Dziś współpracujemy z dziesiątkami wytwórców, ale zasada się nie "
                    "zmieniła.",
                ),
            ),
        ),
        attributes=(("tagline", ""), ("founded", ""), ("team-size", "")),
        metadata=(("layout", "wide"),),
    ),
    PageSpec(
        slug="careers",
        page_type="about",
        title=("Careers", "Kariera"),
        blocks=(
            ("header", ("Work with us", "Pracuj z nami")),
            (
                "paragraph",
                (
                    "We hire people who like solving problems for customers. Open "
                    "roles "
                    "are listed here as soon as they are approved.",
                    "Zatrudniamy osoby, które lubią rozwiązywać problemy klientów. "
                    "Otwarte "
                    "rekrutacje publikujemy tutaj zaraz po ich zatwierdzeniu.",
                ),
            ),
        ),
        attributes=(("tagline", ""), ("team-size", "")),
    ),
    PageSpec(
        slug="contact",
        page_type="information",
        title=("Contact", "Kontakt"),
        blocks=(
            ("header", ("Get in touch", "Skontaktuj się z nami")),
            (
                "paragraph",
                (
                    "Write to hello@shop.example.com or call us on weekdays between "
                    "nine and "
                    "five. We reply to every message within one working day.",
                    "Napisz na hello@shop.example.com lub zadzwoń w dni robocze od "
                    "dziewiątej do siedemnastej. Odpowiadamy w ciągu jednego dnia "
                    "roboczego.",
                ),
            ),
        ),
        attributes=(
            ("topic", "customer-care"),
            ("last-reviewed", ""),
            ("show-banner", "true"),
        ),
    ),
    PageSpec(
        slug="shipping-and-returns",
        page_type="information",
        title=("Shipping & returns", "Dostawa i zwroty"),
        blocks=(
            ("header", ("Shipping", "Dostawa")),
            (
                "paragraph",
                (
                    "Orders ship from the warehouse closest to you, usually within one "
                    "working day.",
                    "Zamówienia wysyłamy z najbliższego magazynu, zwykle w ciągu "
                    "jednego "
                    "dnia roboczego.",
                ),
            ),
            ("header", ("Returns", "Zwroty")),
            (
                "paragraph",
                (
                    "Unused items can be returned within thirty days for a full "
                    "refund.",
                    "Nieużywane produkty można zwrócić w ciągu trzydziestu dni i "
                    "otrzymać "
                    "pełny zwrot pieniędzy.",
                ),
            ),
        ),
        attributes=(
            ("topic", "orders"),
            ("last-reviewed", ""),
            ("show-banner", "false"),
        ),
    ),
    PageSpec(
        slug="privacy-policy",
        page_type="information",
        title=("Privacy policy", "Polityka prywatności"),
        blocks=(
            (
                "paragraph",
                (
                    "We collect only the data needed to deliver your order and never "
                    "sell "
                    "it. You can ask us to export or delete it at any time.",
                    "Zbieramy tylko dane potrzebne do realizacji zamówienia i nigdy "
                    "ich nie "
                    "sprzedajemy. W każdej chwili możesz poprosić o ich eksport lub "
                    "usunięcie.",
                ),
            ),
        ),
        attributes=(("topic", "legal"), ("last-reviewed", "")),
    ),
    PageSpec(
        slug="terms-of-service",
        page_type="information",
        title=("Terms of service", "Regulamin"),
        blocks=(
            (
                "paragraph",
                (
                    "These terms describe how orders, payments and deliveries work in "
                    "this "
                    "demo store. No real goods are sold here.",
                    "Ten regulamin opisuje zamówienia, płatności i dostawy w tym "
                    "sklepie "
                    "demonstracyjnym. Nie sprzedajemy tu prawdziwych towarów.",
                ),
            ),
        ),
        attributes=(("topic", "legal"), ("last-reviewed", "")),
    ),
)

NAVBAR_COLLECTIONS = ("featured-products", "summer-picks")

FOOTER: tuple[MenuItemSpec, ...] = (
    MenuItemSpec(
        ("Company", "Firma"),
        page="about",
        children=(
            MenuItemSpec(("About us", "O nas"), page="about"),
            MenuItemSpec(("Careers", "Kariera"), page="careers"),
            MenuItemSpec(("Journal", "Dziennik"), url="https://journal.example.com/"),
        ),
    ),
    MenuItemSpec(
        ("Help", "Pomoc"),
        page="contact",
        children=(
            MenuItemSpec(("Contact", "Kontakt"), page="contact"),
            MenuItemSpec(
                ("Shipping & returns", "Dostawa i zwroty"), page="shipping-and-returns"
            ),
            MenuItemSpec(
                ("Privacy policy", "Polityka prywatności"), page="privacy-policy"
            ),
            MenuItemSpec(("Terms of service", "Regulamin"), page="terms-of-service"),
        ),
    ),
    MenuItemSpec(
        ("Developers", "Dla programistów"),
        url="https://docs.example.com/graphql/",
        metadata=(("target", "_blank"),),
    ),
)
