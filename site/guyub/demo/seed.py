"""Build the demo cooperative. Every step looks up what exists by its natural key first, so re-running keeps data.

Deterministic: the same (workshops, products) counts always give the same cooperative.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from books.demo import seed_books
from catalog.demo import seed_agreed_prices
from catalog.shop.search.backend import analyse_sqlite
from catalog.shop.search.documents import paused as search_indexing_paused
from catalog.vocabulary import SWATCHES
from common.roles import board_group, shop_staff_group
from inventory.demo import seed_inventory
from inventory.models import Member
from pooling.demo import seed_pooling
from pooling.loans.demo import seed_loans
from savings.demo import seed_savings

from . import data
from .drawings import draw, hex_to_rgb
from .pages import seed_pages

ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Country = get_model("address", "Country")

CENTRE = (Decimal("-7.810500"), Decimal("110.377500"))  # Kampung Keparakan Kidul, Yogyakarta
STOCKISTS_PER_VARIANT = 3
EXPORT_COUNTRIES = [
    ("SG", "SGP", "702", "Singapore"),
    ("MY", "MYS", "458", "Malaysia"),
    ("AU", "AUS", "036", "Australia"),
    ("JP", "JPN", "392", "Japan"),
    ("NL", "NLD", "528", "Netherlands"),
    ("US", "USA", "840", "United States"),
]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


def seed_demo(*, workshops: int = 33, products: int = 41, images: bool = True, activity: bool = True) -> SeedReport:
    """The demo cooperative. ``activity`` adds work in flight (an offered work order, open material loans);
    the test suite seeds without it so each test starts from quiet workshops."""
    report = SeedReport()
    # The catalogue is indexed once at the end (Wagtail's `update_index`, named `wagtail_update_index` beside
    # haystack's), not once per saved product and variant.
    with search_indexing_paused(), transaction.atomic():
        _site_and_country()
        classes = _product_classes(report)
        people = _people(report)
        members = _members(report, workshops, classes)
        _products(report, products, classes, members, images)
        seed_pages(report, members)
        _seed_apps(report, activity=activity)
    del people
    call_command("wagtail_update_index", verbosity=0)
    analyse_sqlite()
    return report


def _seed_apps(report: SeedReport, *, activity: bool) -> None:
    """Each app seeds its own part of the demo, idempotently, on top of the catalogue and members."""
    results = {
        "prices": seed_agreed_prices(),
        "inventory": seed_inventory().created,  # after prices: opening stock follows the stockrecords
    }
    if activity:
        results["pooling"] = seed_pooling()  # after inventory: work orders need materials and bills
        results["loans"] = seed_loans()
        results["savings"] = seed_savings()  # before the books close months: a year of savings, two group loans
        results["books"] = seed_books()  # after orders, work and loans: three closed months and a payout run
    for prefix, counts in results.items():
        for name, created in counts.items():
            if created:
                report.created[f"{prefix}: {name}"] = created


def _site_and_country() -> None:
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Guyub"})
    Country.objects.update_or_create(
        iso_3166_1_a2="ID",
        defaults={
            "iso_3166_1_a3": "IDN",
            "iso_3166_1_numeric": "360",
            "printable_name": "Indonesia",
            "name": "Republic of Indonesia",
            "is_shipping_country": True,
            "display_order": 1,
        },
    )
    # Export buyers (about a tenth of the sales): a plain international address, priced by the export zones.
    for a2, a3, numeric, name in EXPORT_COUNTRIES:
        Country.objects.get_or_create(
            iso_3166_1_a2=a2,
            defaults={
                "iso_3166_1_a3": a3,
                "iso_3166_1_numeric": numeric,
                "printable_name": name,
                "name": name,
                "is_shipping_country": True,
            },
        )


def _user(report: SeedReport, email: str, first: str, last: str = "", **flags):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last, **flags})
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    report.count("users", created)
    return user


_password_hash: str | None = None


def _demo_password_hash() -> str:
    """The demo password hashed once per seed run (every demo login shares the published password; hashing it
    per user took 0.8 s each, most of a 200-workshop seed)."""
    global _password_hash
    if _password_hash is None:
        _password_hash = make_password(data.PASSWORD)
    return _password_hash


def _people(report: SeedReport) -> dict:
    board, shop_staff = board_group(), shop_staff_group()
    people = {"board": [], "buyers": []}
    for i, name in enumerate(["Hartono", "Sulastri", "Warsito"], start=1):
        user = _user(report, f"board{i}@guyub.example", name, "(Pengurus)", is_staff=True)
        user.groups.add(board, shop_staff)
        people["board"].append(user)
    people["staff"] = staff = _user(report, "staff@guyub.example", "Staf", "Toko", is_staff=True)
    staff.groups.add(shop_staff)  # Oscar's dashboard: orders, catalogue, stock (read-only numbers)
    # Staff run the content pages: Wagtail's Editors group (made by its migrations) and admin access.
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        staff.groups.add(editors)
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for i, name in enumerate(["Ayu", "Rizky", "Mei Ling"], start=1):
        people["buyers"].append(_user(report, f"buyer{i}@guyub.example", name, "Pembeli"))
    return people


def _product_classes(report: SeedReport) -> dict:
    classes = {}
    for slug, name, _en, _price, _colour in data.PRODUCT_CLASSES:
        weight, length, width, height = data.PACKED[slug]
        pc, created = ProductClass.objects.get_or_create(
            slug=slug, defaults={"name": name, "requires_shipping": True, "track_stock": True}
        )
        if pc.weight_grams is None:  # classes seeded before packed sizes existed get theirs once
            pc.weight_grams, pc.length_cm, pc.width_cm, pc.height_cm = weight, length, width, height
            pc.save(update_fields=["weight_grams", "length_cm", "width_cm", "height_cm"])
        report.count("product classes", created)
        for code, attr_name in (("ukuran", "Ukuran"), ("warna", "Warna")):
            ProductAttribute.objects.get_or_create(
                product_class=pc, code=code, defaults={"name": attr_name, "type": "text"}
            )
        classes[slug] = pc
    return classes


def _members(report: SeedReport, count: int, classes: dict) -> list:
    slugs = list(classes)
    members = []
    for i in range(1, count + 1):
        code = f"m{i:02d}" if count < 100 else f"m{i:04d}"
        member = Member.objects.filter(code=code).select_related("partner").first()
        if member is None:
            member = _new_member(random.Random(f"member-{i}"), i, code, slugs, classes)
            report.count("members", True)
        members.append(member)
    return members


def _new_member(rng: random.Random, i: int, code: str, slugs: list, classes: dict) -> Member:
    owner_name = data.OWNER_NAMES[(i - 1) % len(data.OWNER_NAMES)]
    words = data.WORKSHOP_WORDS
    name = f"Kulit {words[(i - 1) % len(words)]} {words[(i * 7) % len(words)]}"
    if i > len(data.OWNER_NAMES):
        name = f"{name} {i}"
    workers = 1 + int(rng.random() * 4) if rng.random() < 0.6 else 5 + int(rng.random() * 15)
    n_skills = 1 + int(rng.random() * 3)
    start = (i - 1) % len(slugs)  # rotate so every class has makers
    skills = [slugs[(start + k) % len(slugs)] for k in range(n_skills)]
    first, *rest = owner_name.split(" ")
    owner = _user(SeedReport(), f"artisan{i:02d}@guyub.example", first, " ".join(rest))
    partner, _ = Partner.objects.get_or_create(code=code, defaults={"name": name})
    partner.users.add(owner)
    member = Member.objects.create(
        partner=partner,
        code=code,
        owner=owner,
        workers=workers,
        phone=f"0812-27{i:02d}-{1000 + i}",
        address=f"{data.STREETS[i % len(data.STREETS)]} No. {10 + i}, Keparakan Kidul, Mergangsan, Yogyakarta",
        latitude=CENTRE[0] + Decimal(round((rng.random() - 0.5) * 0.02, 6)),
        longitude=CENTRE[1] + Decimal(round((rng.random() - 0.5) * 0.02, 6)),
        weekly_capacity=workers * (4 + int(rng.random() * 4)),
        # Members joined over the years since the cooperative began (2008), not all on the day of the demo.
        joined=datetime.date(2008 + (i * 5) % 16, 1 + (i * 7) % 12, 1 + (i * 3) % 28),
    )
    member.skills.set([classes[s] for s in skills])
    return member


def _category(slug: str, name: str, name_en: str):
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        category = Category.add_root(name=name, slug=slug, name_en=name_en)
    return category


def _catalogue_plan(count: int):
    """(class slug, Indonesian title, English title, price step, serial) for `count` parent products."""
    flat = [(slug, *model) for slug, models_ in data.MODELS.items() for model in models_]
    for n in range(count):
        slug, title, title_en, step = flat[n % len(flat)]
        serial = n // len(flat)
        yield slug, title, title_en, step, serial


BATCH = 500  # parents per bulk insert: flat memory at 5,000 products


def _products(report: SeedReport, count: int, classes: dict, members: list, images: bool) -> None:
    """The catalogue in bulk inserts (plain rows: no ledger, no signals to keep; search is re-indexed once at
    the end of the seed). Parents already present (by UPC) are kept."""
    class_info = {slug: (name, en, price, colour) for slug, name, en, price, colour in data.PRODUCT_CLASSES}
    makers = {slug: [m for m in members if classes[slug].pk in {s.pk for s in m.skills.all()}] for slug in classes}
    for category in Category.objects.filter(slug__in=class_info, name_en=""):  # seeded before English names
        category.name_en = class_info[category.slug][1]
        category.save(update_fields=["name_en"])
    existing = set(Product.objects.filter(structure=Product.PARENT).values_list("upc", flat=True))
    attributes = {
        (a.product_class_id, a.code): a for a in ProductAttribute.objects.filter(product_class__in=classes.values())
    }
    categories: dict = {}
    plan = []
    for n, (slug, title, title_en, step, serial) in enumerate(_catalogue_plan(count)):
        name, name_en, base_price, colour = class_info[slug]
        upc = f"GY-{slug[:3].upper()}-{n + 1:04d}"
        if upc in existing:
            continue
        if serial:
            title, title_en = f"{title} Seri {serial + 1}", f"{title_en} Series {serial + 1}"
        parent = Product(
            structure=Product.PARENT,
            product_class=classes[slug],
            upc=upc,
            title=title,
            title_en=title_en,
            description=f"{title} buatan tangan anggota koperasi di Keparakan Kidul, Yogyakarta. "
            "Kulit asli, jahitan kuat.",
            description_en=f"{title_en}, handmade by member workshops in Keparakan Kidul, Yogyakarta. "
            "Genuine leather, strong stitching.",
        )
        parent.slug = slugify(parent.get_title())  # what Product.save() would do
        if slug not in categories:
            categories[slug] = _category(slug, name, name_en)
        plan.append((n, slug, parent, Decimal(base_price + step)))
    for start in range(0, len(plan), BATCH):
        batch = plan[start : start + BATCH]
        Product.objects.bulk_create([parent for _n, _slug, parent, _price in batch])
        ProductCategory.objects.bulk_create(
            [ProductCategory(product=parent, category=categories[slug]) for _n, slug, parent, _price in batch]
        )
        for _n, slug, parent, _price in batch:
            report.count("products", True)
            if images:
                _draw_image(parent, slug, class_info[slug][3])
        _variants(report, batch, makers, attributes, images=images)
    if images:
        _draw_missing_variant_images(classes)


def _variants(report, batch, makers, attributes, images: bool = False) -> None:
    children = []
    for n, slug, parent, price in batch:
        for v, (size, colour) in enumerate(data.VARIANTS[slug]):
            label = " / ".join(x for x in (size, colour) if x)
            label_en = " / ".join(x for x in (size, data.COLOURS_EN.get(colour, colour)) if x)
            child = Product(
                structure=Product.CHILD,
                parent=parent,
                upc=f"{parent.upc}-{v + 1}",
                title=f"{parent.title} ({label})",
                title_en=f"{parent.title_en} ({label_en})",
                weight_grams=data.PACKED[slug][0] + 25 * v,  # every variant its packed weight
            )
            child.slug = slugify(child.get_title())
            children.append((n, v, parent, child, size, colour, price, makers[slug]))
    Product.objects.bulk_create([child for _n, _v, _p, child, *_rest in children])
    values, records = [], []
    for n, v, parent, child, size, colour, price, makers_ in children:
        class_id = parent.product_class_id
        for code, value in (("ukuran", size), ("warna", colour)):  # what child.attr.<code> = value saved
            if value:
                attribute = attributes[(class_id, code)]
                values.append(ProductAttributeValue(attribute=attribute, product=child, value_text=value))
        report.count("variants", True)
        stockists = [makers_[(n + v + k) % len(makers_)] for k in range(min(STOCKISTS_PER_VARIANT, len(makers_)))]
        for k, member in enumerate(dict.fromkeys(stockists)):
            records.append(
                StockRecord(
                    product=child,
                    partner=member.partner,
                    partner_sku=f"{member.code}-{child.upc}",
                    price_currency="IDR",
                    price=price,
                    num_in_stock=(n * 7 + v * 3 + k * 5) % 13,
                )
            )
            report.count("stockrecords", True)
    ProductAttributeValue.objects.bulk_create(values, batch_size=1000)
    StockRecord.objects.bulk_create(records, batch_size=1000)
    if images:  # each variant its own picture, in its colour (issue 15); --no-images skips the drawing
        kinds = {parent.upc: slug for _n, slug, parent, _price in batch}
        for _n, _v, parent, child, _size, colour, *_rest in children:
            _draw_variant_image(child, kinds[parent.upc], colour)


def _draw_missing_variant_images(classes: dict) -> None:
    """Variants seeded before they had pictures of their own (an older demo database) get them once."""
    missing = list(
        Product.objects.filter(
            structure=Product.CHILD, images__isnull=True, parent__product_class__in=classes.values()
        ).select_related("parent__product_class")
    )
    colours = dict(
        ProductAttributeValue.objects.filter(product__in=missing, attribute__code="warna").values_list(
            "product_id", "value_text"
        )
    )
    for child in missing:
        _draw_variant_image(child, child.parent.product_class.slug, colours.get(child.pk, ""))


def _draw_variant_image(child, kind: str, colour_name: str) -> None:
    """The variant's picture: its product type drawn in its colour (a "Hitam" bag is a black bag)."""
    _draw_image(child, kind, hex_to_rgb(SWATCHES.get(colour_name, "#7a4a22")))


def _draw_image(product, kind: str, colour: tuple) -> None:
    """A drawing per product so the shop has pictures without downloading any: the product type's shape
    (guyub.demo.drawings) in the given colour, captioned with the product's English title."""
    ProductImage.objects.create(
        product=product,
        display_order=0,
        caption=product.title_en,
        original=ContentFile(draw(kind, colour), name=f"{product.upc.lower()}.jpg"),
    )
