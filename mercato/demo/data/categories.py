"""The category tree of the demo catalog; slugs are the slugified English names."""

from __future__ import annotations

from mercato.demo.specs import CategorySpec as C

CATEGORY_TREE: tuple[C, ...] = (
    C(
        ("Apparel", "Odzież"),
        (
            "Everyday clothing cut from durable fabrics and made to be worn often.",
            "Codzienna odzież z trwałych tkanin, stworzona do częstego noszenia.",
        ),
        background=True,
        metadata=(("icon", "shirt"),),
        children=(
            C(
                ("Tops", "Góra"),
                (
                    "Layers for the upper body, from light tees to heavy fleece.",
                    "Warstwy na górę: od lekkich koszulek po grube bluzy.",
                ),
                children=(
                    C(
                        ("T-shirts", "Koszulki"),
                        (
                            "Soft tees for warm days and for layering when it gets "
                            "cold.",
                            "Miękkie koszulki na ciepłe dni i pod warstwy, gdy robi "
                            "się "
                            "chłodno.",
                        ),
                    ),
                    C(
                        ("Hoodies & Sweatshirts", "Bluzy"),
                        (
                            "Brushed fleece and loopback cotton for cool mornings.",
                            "Drapana dzianina i pętelkowa bawełna na chłodne poranki.",
                        ),
                    ),
                ),
            ),
            C(
                ("Footwear", "Obuwie"),
                (
                    "Shoes that take a city walk and a muddy path equally well.",
                    "Buty, które równie dobrze znoszą spacer po mieście i błotnistą "
                    "ścieżkę.",
                ),
                children=(
                    C(
                        ("Sneakers", "Sneakersy"),
                        (
                            "Low and high tops with cushioned soles.",
                            "Niskie i wysokie modele z amortyzowaną podeszwą.",
                        ),
                    ),
                    C(
                        ("Boots", "Trzewiki"),
                        (
                            "Sturdy ankle boots with grippy rubber outsoles.",
                            "Solidne trzewiki z przyczepną gumową podeszwą.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    C(
        ("Groceries", "Artykuły spożywcze"),
        (
            "Pantry staples and drinks from small producers we visit ourselves.",
            "Produkty spożywcze i napoje od małych producentów, których sami "
            "odwiedzamy.",
        ),
        background=True,
        metadata=(("icon", "basket"),),
        children=(
            C(
                ("Beverages", "Napoje"),
                (
                    "Something to pour in the morning, afternoon and evening.",
                    "Coś do nalania rano, po południu i wieczorem.",
                ),
                children=(
                    C(
                        ("Juices", "Soki"),
                        (
                            "Pressed fruit and vegetables, bottled within a day.",
                            "Tłoczone owoce i warzywa, butelkowane w ciągu doby.",
                        ),
                    ),
                    C(
                        ("Coffee", "Kawa"),
                        (
                            "Single-origin beans roasted in small batches every week.",
                            "Ziarna jednego pochodzenia palone co tydzień w małych "
                            "partiach.",
                        ),
                        children=(
                            C(
                                ("Whole Bean Coffee", "Kawa ziarnista"),
                                (
                                    "Keep it whole and grind right before brewing.",
                                    "Mielić tuż przed parzeniem.",
                                ),
                            ),
                            C(
                                ("Ground Coffee", "Kawa mielona"),
                                (
                                    "Ground to order for your brewing method.",
                                    "Mielona na zamówienie pod wybraną metodę "
                                    "parzenia.",
                                ),
                            ),
                        ),
                    ),
                    C(
                        ("Tea", "Herbata"),
                        (
                            "Loose leaf and sachets from gardens we trust.",
                            "Herbata liściasta i w saszetkach z zaufanych plantacji.",
                        ),
                    ),
                ),
            ),
            C(
                ("Pantry", "Spiżarnia"),
                (
                    "Jars and packets that make a quick meal feel considered.",
                    "Słoiki i paczki, dzięki którym szybki posiłek smakuje lepiej.",
                ),
                children=(
                    C(
                        ("Snacks", "Przekąski"),
                        (
                            "Crunchy, chewy and sweet bites for the road.",
                            "Chrupiące, ciągnące i słodkie przekąski na drogę.",
                        ),
                    ),
                    C(
                        ("Sauces & Spreads", "Sosy i pasty"),
                        (
                            "Small-batch condiments with short ingredient lists.",
                            "Dodatki z małych partii o krótkim składzie.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    C(
        ("Accessories", "Akcesoria"),
        (
            "Finishing touches: bags, eyewear and headwear.",
            "Dopełnienie stroju: torby, okulary i nakrycia głowy.",
        ),
        background=True,
        children=(
            C(
                ("Bags", "Torby"),
                (
                    "Carry-alls for commuting, errands and weekends away.",
                    "Torby na dojazdy, zakupy i weekendowe wyjazdy.",
                ),
                children=(
                    C(
                        ("Backpacks", "Plecaki"),
                        (
                            "Padded backs, tidy pockets and room for a laptop.",
                            "Wyściełane plecy, przemyślane kieszenie i miejsce na "
                            "laptopa.",
                        ),
                    ),
                    C(
                        ("Tote Bags", "Torby na ramię"),
                        (
                            "Open-top bags that swallow a week of groceries.",
                            "Otwarte torby, które pomieszczą zakupy na cały tydzień.",
                        ),
                    ),
                ),
            ),
            C(
                ("Eyewear", "Okulary"),
                (
                    "Frames that protect your eyes and look good doing it.",
                    "Oprawki, które chronią oczy i dobrze przy tym wyglądają.",
                ),
                children=(
                    C(
                        ("Sunglasses", "Okulary przeciwsłoneczne"),
                        (
                            "UV400 lenses in frames for every face shape.",
                            "Soczewki UV400 w oprawkach do każdego kształtu twarzy.",
                        ),
                    ),
                ),
            ),
            C(
                ("Headwear", "Nakrycia głowy"),
                (
                    "Caps for sun and beanies for frost.",
                    "Czapki z daszkiem na słońce i czapki zimowe na mróz.",
                ),
                children=(
                    C(
                        ("Caps", "Czapki z daszkiem"),
                        (
                            "Six-panel caps with adjustable backs.",
                            "Sześciopanelowe czapki z regulacją.",
                        ),
                    ),
                    C(
                        ("Beanies", "Czapki zimowe"),
                        (
                            "Ribbed knits that keep their shape all winter.",
                            "Prążkowane dzianiny, które całą zimę trzymają fason.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    C(
        ("Home & Kitchen", "Dom i kuchnia"),
        (
            "Objects for slow mornings and long dinners.",
            "Przedmioty na spokojne poranki i długie kolacje.",
        ),
        children=(
            C(
                ("Mugs & Cups", "Kubki i filiżanki"),
                (
                    "Hand-glazed mugs that keep coffee warm a little longer.",
                    "Ręcznie szkliwione kubki, w których kawa dłużej zostaje ciepła.",
                ),
            ),
            C(
                ("Candles", "Świece"),
                (
                    "Soy wax candles poured by hand in small batches.",
                    "Świece z wosku sojowego, odlewane ręcznie w małych partiach.",
                ),
            ),
        ),
    ),
    C(
        ("Audiobooks", "Audiobooki"),
        (
            "Stories and ideas to listen to on a commute or a long walk.",
            "Historie i idee do słuchania w drodze lub na długim spacerze.",
        ),
        background=True,
        metadata=(("icon", "headphones"),),
        children=(
            C(
                ("Fiction", "Beletrystyka"),
                (
                    "Novels and novellas read by voices you will want to hear again.",
                    "Powieści i opowiadania czytane głosami, do których chce się "
                    "wracać.",
                ),
                children=(
                    C(
                        ("Mystery & Thriller", "Kryminał i thriller"),
                        (
                            "Locked rooms, cold cases and unreliable narrators.",
                            "Zamknięte pokoje, stare sprawy i niewiarygodni "
                            "narratorzy.",
                        ),
                    ),
                    C(
                        ("Science Fiction", "Fantastyka naukowa"),
                        (
                            "Far futures, near futures and the people in them.",
                            "Dalekie i bliskie przyszłości oraz ludzie, którzy w nich "
                            "żyją.",
                        ),
                    ),
                ),
            ),
            C(
                ("Non-fiction", "Literatura faktu"),
                (
                    "True stories and practical ideas.",
                    "Prawdziwe historie i praktyczne pomysły.",
                ),
                children=(
                    C(
                        ("History", "Historia"),
                        (
                            "Empires, inventions and ordinary lives from the past.",
                            "Imperia, wynalazki i zwykłe życie dawnych ludzi.",
                        ),
                    ),
                    C(
                        ("Personal Growth", "Rozwój osobisty"),
                        (
                            "Habits, focus and the art of doing less, better.",
                            "Nawyki, skupienie i sztuka robienia mniej, ale lepiej.",
                        ),
                    ),
                ),
            ),
        ),
    ),
)
