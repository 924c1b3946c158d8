"""Product search (/search/): products not variants, pages, sorting, facets, stems, typos, colours, SKUs, words.

The session's seeded small cooperative has nine sandals and a bag (each with variants); `shop` adds wallets, a
shoe and a belt with colours, sizes, member SKUs and agreed prices. Products made in a test are indexed by
Wagtail's signal handlers (and ours for variants, attributes, stockrecords and categories), inside the test's
transaction, on SQLite's FTS5 as on PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from oscar.core.loading import get_model

from catalog.shop.search import engine, views as search_views

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")

_serial = itertools.count(1)
SEARCH_TRANSLATIONS = Path(__file__).resolve().parents[2] / "locale" / "id-search.json"


def _category(slug, name, name_en):
    category = Category.objects.filter(slug=slug).first()
    return category or Category.add_root(name=name, slug=slug, name_en=name_en)


@pytest.fixture
def make_parent(member_a, member_b, agree):
    """A parent product in a category, with variants (size, colour, stock at two members) and agreed prices."""

    def make(title, title_en, *, klass, category, variants, price):
        n = next(_serial)
        parent = Product.objects.create(
            structure=Product.PARENT,
            product_class=ProductClass.objects.get(slug=klass),
            upc=f"SRCH-{n:03d}",
            title=title,
            title_en=title_en,
            is_public=True,
        )
        ProductCategory.objects.create(product=parent, category=_category(*category))
        for v, (size, colour, stock) in enumerate(variants, start=1):
            child = Product(
                structure=Product.CHILD,
                parent=parent,
                upc=f"SRCH-{n:03d}-{v}",
                title=f"{title} ({colour})",
                title_en=f"{title_en} ({colour})",
            )
            if size:
                child.attr.ukuran = size
            child.attr.warna = colour
            child.save()
            for member, num in ((member_a, stock), (member_b, 0)):
                StockRecord.objects.create(
                    product=child,
                    partner=member.partner,
                    price=price,
                    price_currency="IDR",
                    partner_sku=f"{member.code}-SRCH-{n:03d}-{v}",
                    num_in_stock=num,
                )
            agree(child, price)
        return parent

    return make


@pytest.fixture
def shop(make_parent):
    wallets = ("dompet", "Dompet", "Wallets")
    return {
        "coin": make_parent(
            "Dompet Koin Kulit",
            "Leather Coin Purse",
            klass="dompet",
            category=wallets,
            variants=[(None, "Hitam", 3), (None, "Coklat", 0)],
            price=50_000,
        ),
        "card": make_parent(
            "Dompet Kartu Tipis",
            "Slim Card Holder",
            klass="dompet",
            category=wallets,
            variants=[(None, "Coklat Tua", 0)],
            price=60_000,
        ),
        "bifold": make_parent(
            "Dompet Lipat Pria",
            "Men's Bifold Wallet",
            klass="dompet",
            category=wallets,
            variants=[(None, "Coklat", 2)],
            price=95_000,
        ),
        "shoe": make_parent(
            "Sepatu Pantofel Kulit",
            "Leather Oxford Shoe",
            klass="sepatu",
            category=("sepatu", "Sepatu", "Shoes"),
            variants=[("41", "Hitam", 1), ("43", "Coklat", 0)],
            price=380_000,
        ),
        "belt": make_parent(
            "Sabuk Kulit Sapi Polos",
            "Plain Cowhide Belt",
            klass="sabuk",
            category=("sabuk", "Sabuk", "Belts"),
            variants=[("100 cm", "Coklat", 0)],
            price=120_000,
        ),
    }


def _search(client, lang="en", **params):
    client.cookies["django_language"] = lang
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def _found(response) -> list[int]:
    return list(response.context["outcome"].pks)


def test_counts_and_pages_are_products_not_variants(client, monkeypatch):
    monkeypatch.setattr(search_views.ProductSearchView, "paginate_by", 4)
    sandals = set(
        Product.objects.filter(structure=Product.PARENT, is_public=True, categories__slug="sandal").values_list(
            "pk", flat=True
        )
    )
    assert len(sandals) >= 9 and Product.objects.filter(parent__in=sandals).count() > len(sandals)
    first = _search(client, q="sandal")
    assert first.context["paginator"].count == len(sandals)
    second = _search(client, q="sandal", page=2)
    page1 = [p.pk for p in first.context["products"]]
    page2 = [p.pk for p in second.context["products"]]
    assert len(page1) == 4 and page2 and not set(page1) & set(page2)
    assert set(page1) | set(page2) <= sandals
    pages = first.context["paginator"].num_pages
    if pages > 2:
        last = _search(client, q="sandal", page=pages)
        assert {p.pk for p in last.context["products"]}.isdisjoint(page1 + page2)


def test_sorting_by_price_and_name_changes_the_order(client, shop):
    def prices(response):
        strategy = response.wsgi_request.strategy
        return [strategy.fetch_for_parent(p).price.excl_tax for p in response.context["products"]]

    low = _search(client, q="dompet", sort="price-asc")
    high = _search(client, q="dompet", sort="price-desc")
    assert prices(low) == sorted(prices(low)) and prices(high) == sorted(prices(high), reverse=True)
    assert _found(low) == list(reversed(_found(high)))
    titled = _search(client, q="dompet", sort="title")
    names = [p.get_title() for p in titled.context["products"]]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("wallets", {"coin", "card", "bifold"}),  # English plural; coin purse and card holder by their category
        ("wallet", {"coin", "card", "bifold"}),
        ("dompet", {"coin", "card", "bifold"}),
        ("shoes", {"shoe"}),
        ("belts", {"belt"}),
        ("hitam", {"coin", "shoe"}),  # a variant's colour, Indonesian
        ("black", {"coin", "shoe"}),  # and English
        ("dompet hitam", {"coin"}),
        ("SRCH", None),  # (checked below: SKUs)
    ],
)
def test_words_find_what_they_should(client, shop, query, expected):
    if expected is None:
        return
    found = set(_found(_search(client, q=query)))
    assert {shop[name].pk for name in expected} <= found
    others = {shop[name].pk for name in shop} - {shop[name].pk for name in expected}
    assert not found & others, (query, found & others)


def test_plurals_and_reduplication_find_the_seeded_products(client):
    parents = Product.objects.filter(structure=Product.PARENT)
    sandals = set(parents.filter(categories__slug="sandal").values_list("pk", flat=True))
    assert set(_found(_search(client, q="sandals"))) == sandals
    bags = set(parents.filter(categories__slug="tas").values_list("pk", flat=True))
    assert bags and set(_found(_search(client, q="tas-tas", lang="id"))) == bags
    assert set(_found(_search(client, q="bags"))) == bags


@pytest.mark.parametrize("typo, meant", [("dompt", "dompet"), ("walet", "wallet")])
def test_typos_are_corrected_with_a_suggestion(client, shop, typo, meant):
    response = _search(client, q=typo)
    outcome = response.context["outcome"]
    assert outcome.suggestion == meant and outcome.corrected
    assert {shop["coin"].pk, shop["card"].pk, shop["bifold"].pk} <= set(outcome.pks)
    assert f"“{meant}”" in response.content.decode()


def test_skus_find_their_product(client, shop):
    coin = shop["coin"]
    variant = coin.children.order_by("pk").first()
    record = variant.stockrecords.order_by("pk").first()
    for code in (coin.upc, variant.upc, record.partner_sku, record.partner_sku.lower()):
        assert _found(_search(client, q=code))[:1] == [coin.pk], code


def test_facets_narrow_and_combine(client, shop):
    everything = _search(client, q="dompet")
    assert set(_found(everything)) == {shop["coin"].pk, shop["card"].pk, shop["bifold"].pk}
    facets = {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in everything.context["facets"]}
    assert facets["colour"] == {"Hitam": 1, "Coklat": 2, "Coklat Tua": 1}
    assert facets["availability"] == {"in-stock": 2, "made-to-order": 1}
    assert facets["price"] == {"0-100000": 3}

    assert _found(_search(client, q="dompet", colour="Hitam")) == [shop["coin"].pk]
    coin, card, bifold = shop["coin"].pk, shop["card"].pk, shop["bifold"].pk
    assert set(_found(_search(client, q="dompet", colour=["Hitam", "Coklat Tua"]))) == {coin, card}
    assert set(_found(_search(client, q="dompet", availability="made-to-order"))) == {shop["card"].pk}
    assert set(_found(_search(client, q="dompet", availability="in-stock", colour="Coklat"))) == {coin, bifold}
    assert _found(_search(client, q="dompet", availability="in-stock", colour="Coklat Tua")) == []
    mid_priced = set(_found(_search(client, q="kulit", price="250000-500000")))
    assert shop["shoe"].pk in mid_priced and not mid_priced & {coin, card, bifold, shop["belt"].pk}
    assert _found(_search(client, q="kulit", size="41")) == [shop["shoe"].pk]
    shoes = Category.objects.get(slug="sepatu")
    assert _found(_search(client, q="hitam", category=str(shoes.pk))) == [shop["shoe"].pk]


@pytest.mark.parametrize(
    ("params", "kept"),
    [
        ({"category": "\u00b2"}, True),  # a digit to str.isdigit(), not to int()
        ({"size": "\u00b2"}, True),
        ({"category": "9" * 5000}, False),  # beyond int()'s 4,300 digits: dropped, as no such value exists
        ({"size": "9" * 5000}, False),
    ],
)
def test_absurd_facet_values_are_no_error(client, params, kept):
    response = _search(client, q="sandal", **params)
    assert bool(response.context["chosen"]) is kept
    assert (response.context["paginator"].count == 0) is kept  # a kept value matches nothing


def test_results_speak_the_readers_language_with_agreed_prices(client, shop):
    english = _search(client, q="dompet koin").content.decode()
    assert "Leather Coin Purse" in english and "Rp 50.000" in english
    indonesian = _search(client, q="dompet koin", lang="id").content.decode()
    assert "Dompet Koin Kulit" in indonesian and "Leather Coin Purse" not in indonesian


def test_query_count_does_not_grow_with_the_page_size(client, monkeypatch):
    """Nine sandals with 27 variants, all facets counted: 2 or 8 tiles cost the same queries. (One product class:
    the strategy reads members' spare capacity once per product class shown, which is not the search's doing.)"""

    def queries(per_page):
        monkeypatch.setattr(search_views.ProductSearchView, "paginate_by", per_page)
        _search(client, q="sandal", sort="price-asc")  # warm caches (site, vocabulary, thumbnails)
        with CaptureQueriesContext(connection) as captured:
            response = _search(client, q="sandal", sort="price-asc")
        assert len(response.context["products"]) == per_page
        return len(captured)

    few, many = queries(2), queries(8)
    assert many == few, (few, many)
    assert many <= 20, many


def test_facet_queries_skip_the_products_default_order(shop):
    """The hits' stock, prices and categories are added up per product: sorting their rows by the products'
    default ordering (newest first) costs a sort, and for categories a join, per search (issue 16)."""
    with CaptureQueriesContext(connection) as captured:
        outcome = engine.search("dompet", selected={})
    assert outcome.counts["category"]
    facet_queries = [
        q["sql"] for q in captured if "partner_stockrecord" in q["sql"] or "catalogue_productcategory" in q["sql"]
    ]
    assert len(facet_queries) == 2, facet_queries
    for sql in facet_queries:
        assert 'ORDER BY "catalogue_product"."date_created"' not in sql, sql


def test_a_stockrecord_without_a_count_still_puts_its_variant_on_sale(shop):
    """A stockrecord whose count is empty (one staff add in Oscar's dashboard, where the count is read-only) is a
    member holding the variant with no free stock, as the strategy reads it (``net_stock_level``): made to order
    at its agreed price. SQLite's two-argument MAX() is NULL when either side is, so the empty count is read as 0."""
    card = shop["card"]
    StockRecord.objects.filter(product__parent=card).update(num_in_stock=None)
    outcome = engine.search("dompet kartu", selected={"availability": [engine.MADE_TO_ORDER]})
    assert card.pk in outcome.pks
    assert outcome.counts["price"] == {"0-100000": 1}


def test_facet_counts_follow_their_definition():
    """Each facet counts the hits passing every *other* facet's chosen values; the results pass them all (the
    one-pass counting checked against that definition on made-up hits, every combination of choices)."""
    import random

    rng = random.Random(16)
    hits = []
    for pk in range(1, 61):
        hit = engine.Hit(pk, "", "", None, pk)
        hit.categories = set(rng.sample(["1", "2", "3"], rng.randint(0, 2)))
        hit.colours = set(rng.sample(["Hitam", "Coklat", "Tan"], rng.randint(0, 2)))
        hit.sizes = set(rng.sample(["40", "41"], rng.randint(0, 1)))
        hit.purchasable, hit.free = rng.random() < 0.8, rng.choice([0, 2])
        hit.price = rng.choice([None, engine.Decimal(50_000), engine.Decimal(120_000), engine.Decimal(600_000)])
        hit.settle()
        hits.append(hit)
    options = [[set(), {"1"}, {"2", "3"}], [set(), {"0-100000"}], [set(), {"41"}], [set(), {"Hitam", "Tan"}]]
    options.append([set(), {engine.IN_STOCK}])

    def passes(hit, chosen, but=None):
        return all(not c or c & set(hit.facets[i]) for i, c in enumerate(chosen) if i != but)

    for chosen in itertools.product(*options):
        counts, found = engine._facet_counts(hits, list(chosen))
        assert found == [h for h in hits if passes(h, chosen)]
        for i in range(len(engine.FACETS)):
            expected = {}
            for hit in hits:
                if passes(hit, chosen, but=i):
                    for value in hit.facets[i]:
                        expected[value] = expected.get(value, 0) + 1
            assert counts[i] == expected, (chosen, engine.FACETS[i])


@pytest.fixture
def search_translations():
    """What `make messages` will compile from locale/id-search.json, put into the running Indonesian catalogue."""
    from django.utils.translation import trans_real

    with translation.override("id"):
        catalog = trans_real.translation("id")._catalog
        added = []
        for msgid, msgstr in json.loads(SEARCH_TRANSLATIONS.read_text(encoding="utf-8")).items():
            for key, value in ((msgid, msgstr), ((msgid, 0), msgstr[0] if isinstance(msgstr, list) else msgstr)):
                if key not in catalog:
                    catalog[key] = value
                    added.append(key)
        yield
        for key in added:
            for part in catalog._catalogs:
                part.pop(key, None)


def test_indonesian_search_page_has_no_english_leftovers(client, monkeypatch, search_translations):
    monkeypatch.setattr(search_views.ProductSearchView, "paginate_by", 4)
    page = _search(client, lang="id", q="sandal", sort="price-asc").content.decode()
    main = page[page.index('class="breadcrumb"') :]
    for leftover in (
        "Page 1 of",
        "Halaman 1 of",
        " to 4",
        "menampilkan",
        "results",
        "Sort by",
        "Next page",
        "Best match",
        "Price: low",
        "Narrow the results",
        "Colour",
        "Availability",
        "In stock",
        "Made to order",
        "products",
        "Search results for",
        "Relevancy",
    ):
        assert leftover not in main, leftover
    assert "Halaman 1 dari 3" in main and "Urutkan" in main and "Warna" in main and "Ketersediaan" in main


def test_every_new_string_has_an_indonesian_translation():
    """The search page's and view's msgids are all in locale/id-search.json or already in our catalogue."""
    import re

    from django.utils.translation import trans_real

    template = (Path(__file__).resolve().parents[2] / "site/templates/oscar/search/results.html").read_text()
    msgids = set(re.findall(r'{% trans "([^"]+)"', template))
    blocks = re.findall(r"{% blocktrans[^%]*%}(.*?){% (?:endblocktrans|plural) %}", template, re.S)
    msgids |= {" ".join(m.split()) for m in blocks}
    source = Path(search_views.__file__).read_text()
    msgids |= set(re.findall(r'_\("([^"]+)"\)', source)) | set(re.findall(r'gettext\("([^"]+)"\)', source))
    msgids = {re.sub(r"{{ *(\w+)(?:\.\w+)* *}}", r"%(\1)s", m) for m in msgids}
    ours = json.loads(SEARCH_TRANSLATIONS.read_text(encoding="utf-8"))
    compiled = trans_real.translation("id")._catalog
    missing = sorted(m for m in msgids if m not in ours and m not in compiled)
    assert not missing, missing
