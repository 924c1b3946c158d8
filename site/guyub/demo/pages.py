"""The demo's Wagtail pages: home, "Our artisans" with a profile per member, and stories."""

import datetime

from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from guyub.content.models import ArtisanIndexPage, ArtisanPage, HomePage, StoryIndexPage, StoryPage

from . import data

HOME_INTRO = (
    "Guyub adalah toko bersama bengkel-bengkel kulit anggota koperasi di Kampung Keparakan Kidul, Yogyakarta. "
    "Sandal, tas, sabuk, sepatu dan dompet buatan tangan, dengan satu harga yang disepakati bersama."
)
HOME_INTRO_EN = (
    "Guyub is the shared shop of the member leather workshops of Kampung Keparakan Kidul, Yogyakarta. "
    "Handmade sandals, bags, belts, shoes and wallets, at one price agreed by all members."
)


def seed_pages(report, members) -> None:
    home = HomePage.objects.first() or _create_home(report)
    artisans = ArtisanIndexPage.objects.first() or _add(
        home,
        ArtisanIndexPage(
            title="Pengrajin kami",
            title_en="Our artisans",
            slug="pengrajin",
            intro="Kenali bengkel-bengkel anggota koperasi.",
            intro_en="Meet the cooperative's member workshops.",
        ),
    )
    stories = StoryIndexPage.objects.first() or _add(
        home,
        StoryIndexPage(
            title="Cerita",
            title_en="Stories",
            slug="cerita",
            intro="Kabar dari koperasi.",
            intro_en="News from the cooperative.",
        ),
    )
    linked = set(ArtisanPage.objects.values_list("partner_id", flat=True))
    for member in members:
        if member.partner_id in linked:
            continue
        _add(
            artisans,
            ArtisanPage(
                title=member.partner.name,
                slug=member.code,
                partner=member.partner,
                story=f"{member.partner.name} dikelola oleh {member.owner.get_full_name()} "
                f"dengan {member.workers} pekerja.",
                story_en=f"{member.partner.name} is run by {member.owner.get_full_name()} "
                f"with {member.workers} workers.",
            ),
        )
        report.count("artisan pages", True)
    for k, (slug, title, title_en, summary, summary_en) in enumerate(data.STORIES):
        if StoryPage.objects.filter(slug=slug).exists():
            continue
        _add(
            stories,
            StoryPage(
                title=title,
                title_en=title_en,
                slug=slug,
                date=datetime.date(2026, 10, 12) - datetime.timedelta(days=30 * k),
                summary=summary,
                summary_en=summary_en,
                body=f"<p>{summary}</p>",
                body_en=f"<p>{summary_en}</p>",
            ),
        )
        report.count("stories", True)


def _add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _wagtail_roots() -> Page:
    """Wagtail's migrations make the root page, locale and collection; a flushed test database (after a
    transactional test) has none, so make them again rather than fail."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def _create_home(report) -> HomePage:
    root = _wagtail_roots()
    home = HomePage(
        title="Koperasi kulit Keparakan Kidul",
        title_en="The Keparakan Kidul leather cooperative",
        slug="beranda",
        intro=HOME_INTRO,
        intro_en=HOME_INTRO_EN,
        body="<p>Setiap produk dibuat oleh salah satu dari 33 bengkel rumahan dan industri kecil anggota.</p>",
        body_en="<p>Every product is made by one of the 33 member home and small workshops.</p>",
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Guyub"}
    )
    if old_root and old_root.pk != home.pk and old_root.specific_class is not HomePage:
        old_root.delete()  # Wagtail's "Welcome" page from its initial migration
    report.count("pages", True)
    return home
