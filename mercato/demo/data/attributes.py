"""Product and page attributes of the demo catalog."""

from __future__ import annotations

from mercato.demo.specs import AttributeSpec, ValueSpec


def _values(*names: tuple[str, str]) -> tuple[ValueSpec, ...]:
    return tuple(ValueSpec(name) for name in names)


COLOR = AttributeSpec(
    slug="color",
    name=("Color", "Kolor"),
    input_type="SWATCH",
    values=(
        ValueSpec(("Black", "Czarny"), "#1f1f1f"),
        ValueSpec(("Chalk White", "Kredowa biel"), "#f4f1ea"),
        ValueSpec(("Navy", "Granatowy"), "#1f2a44"),
        ValueSpec(("Forest Green", "Leśna zieleń"), "#2e5e3a"),
        ValueSpec(("Burgundy", "Bordowy"), "#7a1f2b"),
        ValueSpec(("Sand", "Piaskowy"), "#d8c8a8"),
        ValueSpec(("Sky Blue", "Błękitny"), "#8cc4e8"),
        ValueSpec(("Charcoal", "Grafitowy"), "#3b3b3b"),
        ValueSpec(("Mustard", "Musztardowy"), "#d4a017"),
        ValueSpec(("Coral", "Koralowy"), "#f2796b"),
    ),
    metadata=(("swatch_style", "round"),),
)

SIZE = AttributeSpec(
    slug="size",
    name=("Size", "Rozmiar"),
    input_type="DROPDOWN",
    values=_values(
        ("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("XXL", "XXL")
    ),
    value_required=True,
)

SHOE_SIZE = AttributeSpec(
    slug="shoe-size",
    name=("Shoe size", "Rozmiar buta"),
    input_type="DROPDOWN",
    values=_values(*((f"EU {n}", f"EU {n}") for n in range(38, 47))),
    value_required=True,
)

MATERIAL = AttributeSpec(
    slug="material",
    name=("Material", "Materiał"),
    input_type="DROPDOWN",
    values=_values(
        ("Organic Cotton", "Bawełna organiczna"),
        ("Merino Wool", "Wełna merino"),
        ("Linen", "Len"),
        ("Recycled Polyester", "Poliester z recyklingu"),
        ("Waxed Canvas", "Woskowane płótno"),
        ("Full-grain Leather", "Skóra licowa"),
        ("Ripstop Nylon", "Nylon ripstop"),
        ("Stoneware", "Kamionka"),
        ("Porcelain", "Porcelana"),
    ),
)

FEATURES = AttributeSpec(
    slug="features",
    name=("Features", "Cechy"),
    input_type="MULTISELECT",
    values=_values(
        ("Water resistant", "Odporność na wodę"),
        ("Reflective details", "Elementy odblaskowe"),
        ("Machine washable", "Można prać w pralce"),
        ("Padded laptop sleeve", "Wyściełana kieszeń na laptopa"),
        ("Hidden pocket", "Ukryta kieszeń"),
        ("Adjustable straps", "Regulowane paski"),
        ("Lightweight", "Niska waga"),
        ("Made locally", "Produkcja lokalna"),
    ),
)

CARE = AttributeSpec(
    slug="care-instructions",
    name=("Care instructions", "Pielęgnacja"),
    input_type="PLAIN_TEXT",
    texts=(
        (
            "Wash at 30°C inside out. Do not tumble dry. Iron on low heat.",
            "Prać w 30°C na lewej stronie. Nie suszyć w suszarce. Prasować w niskiej "
            "temperaturze.",
        ),
        (
            "Hand wash cold with mild soap and dry flat in the shade.",
            "Prać ręcznie w zimnej wodzie łagodnym mydłem, suszyć na płasko w cieniu.",
        ),
        (
            "Machine wash at 40°C with similar colours. Line dry for best results.",
            "Prać w pralce w 40°C z podobnymi kolorami. Najlepiej suszyć na sznurku.",
        ),
        (
            "Spot clean only. Air out between wears and store folded.",
            "Czyścić tylko miejscowo. Wietrzyć między użyciami i przechowywać złożone.",
        ),
    ),
)

ORGANIC = AttributeSpec(
    slug="certified-organic",
    name=("Certified organic", "Certyfikat ekologiczny"),
    input_type="BOOLEAN",
)

PLANT_BASED = AttributeSpec(
    slug="plant-based",
    name=("Plant based", "Roślinny"),
    input_type="BOOLEAN",
)

POLARIZED = AttributeSpec(
    slug="polarized",
    name=("Polarized lenses", "Soczewki polaryzacyjne"),
    input_type="BOOLEAN",
)

RELATED = AttributeSpec(
    slug="pairs-well-with",
    name=("Pairs well with", "Pasuje do"),
    input_type="REFERENCE",
    entity_type="PRODUCT",
    filterable=False,
)

RELEASE_DATE = AttributeSpec(
    slug="release-date",
    name=("Release date", "Data premiery"),
    input_type="DATE",
    filterable=False,
)

ROAST_DATE = AttributeSpec(
    slug="harvest-date",
    name=("Harvest date", "Data zbioru"),
    input_type="DATE",
    filterable=False,
)

VOLUME = AttributeSpec(
    slug="volume",
    name=("Volume", "Pojemność"),
    input_type="NUMERIC",
    unit="liter",
    numeric=(0.25, 1.5, 2),
)

CAPACITY = AttributeSpec(
    slug="capacity",
    name=("Capacity", "Pojemność"),
    input_type="NUMERIC",
    unit="liter",
    numeric=(8, 32, 0),
)

MUG_CAPACITY = AttributeSpec(
    slug="mug-capacity",
    name=("Mug capacity", "Pojemność kubka"),
    input_type="NUMERIC",
    unit="liter",
    numeric=(0.2, 0.5, 2),
)

NET_WEIGHT = AttributeSpec(
    slug="net-weight",
    name=("Net weight", "Masa netto"),
    input_type="NUMERIC",
    unit="g",
    numeric=(80, 500, 0),
)

LISTENING_TIME = AttributeSpec(
    slug="listening-hours",
    name=("Listening time (hours)", "Czas słuchania (godziny)"),
    input_type="NUMERIC",
    numeric=(3, 28, 1),
)

BURN_TIME = AttributeSpec(
    slug="burn-time-hours",
    name=("Burn time (hours)", "Czas palenia (godziny)"),
    input_type="NUMERIC",
    numeric=(20, 90, 0),
)

INGREDIENTS = AttributeSpec(
    slug="ingredients",
    name=("Ingredients", "Skład"),
    input_type="RICH_TEXT",
    visible_in_storefront=True,
    filterable=False,
    texts=(
        (
            "Pressed fruit (98%), a squeeze of lemon. <b>No added sugar.</b>",
            "Tłoczone owoce (98%), odrobina cytryny. <b>Bez dodatku cukru.</b>",
        ),
        (
            "Whole grains, sunflower seeds, sea salt, cold-pressed rapeseed oil.",
            "Pełne ziarna, pestki słonecznika, sól morska, olej rzepakowy tłoczony na "
            "zimno.",
        ),
        (
            "Dried leaves, citrus peel and a hint of natural vanilla.",
            "Suszone liście, skórka cytrusowa i odrobina naturalnej wanilii.",
        ),
        (
            "Roasted nuts, cacao, dates. <i>May contain traces of sesame.</i>",
            "Prażone orzechy, kakao, daktyle. <i>Może zawierać śladowe ilości "
            "sezamu.</i>",
        ),
        (
            "Tomatoes, roasted peppers, garlic, olive oil, smoked paprika.",
            "Pomidory, pieczona papryka, czosnek, oliwa, wędzona papryka.",
        ),
    ),
)

TASTING_NOTES = AttributeSpec(
    slug="tasting-notes",
    name=("Tasting notes", "Nuty smakowe"),
    input_type="MULTISELECT",
    values=_values(
        ("Chocolate", "Czekolada"),
        ("Caramel", "Karmel"),
        ("Berries", "Owoce jagodowe"),
        ("Citrus", "Cytrusy"),
        ("Hazelnut", "Orzech laskowy"),
        ("Stone fruit", "Owoce pestkowe"),
        ("Floral", "Kwiaty"),
        ("Spice", "Przyprawy"),
    ),
)

ORIGIN = AttributeSpec(
    slug="origin",
    name=("Origin", "Pochodzenie"),
    input_type="DROPDOWN",
    values=_values(
        ("Colombia", "Kolumbia"),
        ("Ethiopia", "Etiopia"),
        ("Kenya", "Kenia"),
        ("Guatemala", "Gwatemala"),
        ("India", "Indie"),
        ("Japan", "Japonia"),
        ("Sri Lanka", "Sri Lanka"),
        ("Brazil", "Brazylia"),
    ),
)

ROAST = AttributeSpec(
    slug="roast-level",
    name=("Roast level", "Stopień palenia"),
    input_type="DROPDOWN",
    values=_values(("Light", "Jasne"), ("Medium", "Średnie"), ("Dark", "Ciemne")),
)

GRIND = AttributeSpec(
    slug="grind",
    name=("Grind", "Mielenie"),
    input_type="DROPDOWN",
    values=_values(
        ("Whole bean", "Ziarno"),
        ("Espresso", "Do espresso"),
        ("Filter", "Do przelewu"),
        ("French press", "Do french pressa"),
    ),
)

FLAVOR = AttributeSpec(
    slug="flavor",
    name=("Flavor", "Smak"),
    input_type="DROPDOWN",
    values=_values(
        ("Sweet", "Słodki"),
        ("Tangy", "Kwaskowy"),
        ("Savory", "Wytrawny"),
        ("Spicy", "Pikantny"),
        ("Fresh", "Orzeźwiający"),
    ),
)

PACK_SIZE = AttributeSpec(
    slug="pack-size",
    name=("Pack size", "Opakowanie"),
    input_type="DROPDOWN",
    values=_values(
        ("Single", "Pojedyncze"),
        ("3-pack", "3 sztuki"),
        ("6-pack", "6 sztuk"),
        ("12-pack", "12 sztuk"),
    ),
    value_required=True,
)

BAG_SIZE = AttributeSpec(
    slug="bag-size",
    name=("Bag size", "Wielkość opakowania"),
    input_type="DROPDOWN",
    values=_values(
        ("250 g", "250 g"), ("500 g", "500 g"), ("1 kg", "1 kg"), ("2 kg", "2 kg")
    ),
    value_required=True,
)

LENS = AttributeSpec(
    slug="lens-type",
    name=("Lens type", "Rodzaj soczewek"),
    input_type="DROPDOWN",
    values=_values(
        ("Gradient", "Gradientowe"),
        ("Mirrored", "Lustrzane"),
        ("Classic tint", "Klasyczne przyciemniane"),
        ("Photochromic", "Fotochromowe"),
    ),
)

AUTHOR = AttributeSpec(
    slug="author",
    name=("Author", "Autor"),
    input_type="DROPDOWN",
    values=_values(
        *(
            (name, name)
            for name in (
                "Ada Whitlock",
                "Bram Okafor",
                "Celia Marsh",
                "Dorian Vale",
                "Edith Sørensen",
                "Felix Aranda",
                "Greta Holm",
                "Hugo Lindqvist",
                "Ines Carvalho",
                "Jonah Pike",
                "Kasia Nowicka",
                "Leon Archer",
                "Maya Okonkwo",
                "Nils Brandt",
                "Olive Tran",
                "Piotr Zieliński",
                "Quinn Harlow",
                "Rosa Delgado",
                "Silas Moreau",
                "Tamsin Reed",
            )
        )
    ),
)

NARRATOR = AttributeSpec(
    slug="narrator",
    name=("Narrated by", "Czyta"),
    input_type="PLAIN_TEXT",
    filterable=False,
    texts=(
        ("Read by the author", "Czyta autor"),
        ("Narrated by Marcus Bell", "Czyta Marcus Bell"),
        ("Narrated by Hannah Ortiz", "Czyta Hannah Ortiz"),
        ("Full cast recording", "Obsada aktorska"),
        ("Narrated by Tomasz Wrona", "Czyta Tomasz Wrona"),
    ),
)

AUDIO_FORMAT = AttributeSpec(
    slug="audio-format",
    name=("Audio format", "Format audio"),
    input_type="DROPDOWN",
    values=_values(("MP3", "MP3"), ("M4B", "M4B"), ("FLAC", "FLAC")),
    value_required=True,
)

SCENT = AttributeSpec(
    slug="scent",
    name=("Scent", "Zapach"),
    input_type="DROPDOWN",
    values=_values(
        ("Cedar & Smoke", "Cedr i dym"),
        ("Fig Leaf", "Liść figowca"),
        ("Sea Salt", "Sól morska"),
        ("Wild Lavender", "Dzika lawenda"),
        ("Orange Blossom", "Kwiat pomarańczy"),
    ),
)

CANDLE_SIZE = AttributeSpec(
    slug="candle-size",
    name=("Candle size", "Wielkość świecy"),
    input_type="DROPDOWN",
    values=_values(("Travel", "Podróżna"), ("Classic", "Klasyczna"), ("Grand", "Duża")),
    value_required=True,
)

PRODUCT_ATTRIBUTES: tuple[AttributeSpec, ...] = (
    COLOR,
    SIZE,
    SHOE_SIZE,
    MATERIAL,
    FEATURES,
    CARE,
    ORGANIC,
    PLANT_BASED,
    POLARIZED,
    RELATED,
    RELEASE_DATE,
    ROAST_DATE,
    VOLUME,
    CAPACITY,
    MUG_CAPACITY,
    NET_WEIGHT,
    LISTENING_TIME,
    BURN_TIME,
    INGREDIENTS,
    TASTING_NOTES,
    ORIGIN,
    ROAST,
    GRIND,
    FLAVOR,
    PACK_SIZE,
    BAG_SIZE,
    LENS,
    AUTHOR,
    NARRATOR,
    AUDIO_FORMAT,
    SCENT,
    CANDLE_SIZE,
)

PAGE_ATTRIBUTES: tuple[AttributeSpec, ...] = (
    AttributeSpec(
        slug="tagline",
        name=("Tagline", "Hasło"),
        input_type="PLAIN_TEXT",
        texts=(("Good things, made to last.", "Dobre rzeczy, zrobione na lata."),),
    ),
    AttributeSpec(
        slug="founded",
        name=("Founded", "Data założenia"),
        input_type="DATE",
    ),
    AttributeSpec(
        slug="team-size",
        name=("Team size", "Wielkość zespołu"),
        input_type="NUMERIC",
        numeric=(12, 60, 0),
    ),
    AttributeSpec(
        slug="topic",
        name=("Topic", "Temat"),
        input_type="DROPDOWN",
        values=_values(
            ("Orders", "Zamówienia"),
            ("Legal", "Informacje prawne"),
            ("Customer care", "Obsługa klienta"),
            ("Company", "Firma"),
        ),
    ),
    AttributeSpec(
        slug="last-reviewed",
        name=("Last reviewed", "Ostatnia aktualizacja"),
        input_type="DATE",
    ),
    AttributeSpec(
        slug="show-banner",
        name=("Show banner", "Pokaż baner"),
        input_type="BOOLEAN",
    ),
)
