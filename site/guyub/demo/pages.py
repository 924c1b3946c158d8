"""The demo's Wagtail pages: home, "Our artisans" with a profile per member, and stories."""

import datetime

from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from guyub.content.models import ArtisanIndexPage, ArtisanPage, HomePage, InfoPage, StoryIndexPage, StoryPage

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
    _info_pages(report, home)
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
                **_artisan_story(member),
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


# What each kind of workshop is known for, in both languages, for the demo profiles' stories.
CRAFT = {
    "Sandal": ("sandal jepit dan selop kulit sapi", "cowhide flip-flops and slides"),
    "Tas": ("tas tangan dan tas selempang", "handbags and shoulder bags"),
    "Sabuk": ("sabuk kulit dengan gesper kuningan", "leather belts with brass buckles"),
    "Sepatu": ("sepatu kulit yang dijahit tangan", "hand-stitched leather shoes"),
    "Dompet": ("dompet dan tempat kartu", "wallets and card holders"),
}


def _artisan_story(member) -> dict:
    """A demo profile's story: who runs the workshop, how many work there, what they make, since when."""
    owner = member.owner.get_full_name() or member.partner.name
    crafts = [CRAFT[s.name] for s in member.skills.order_by("name") if s.name in CRAFT][:2]
    makes_id = " dan ".join(c[0] for c in crafts) or "barang kulit"
    makes_en = " and ".join(c[1] for c in crafts) or "leather goods"
    workers_en = "one worker" if member.workers == 1 else f"{member.workers} workers"
    return {
        "story": f"{member.partner.name} dikelola oleh {owner} bersama {member.workers} pekerja di Keparakan Kidul. "
        f"Bengkel ini membuat {makes_id}, dan menjadi anggota koperasi sejak {member.joined.year}. "
        "Pesanan yang terlalu besar untuk satu bengkel dibagi dengan tetangga anggota lain.",
        "story_en": f"{member.partner.name} is run by {owner} with {workers_en} in Keparakan Kidul. "
        f"The workshop makes {makes_en}, and has been a member of the cooperative since {member.joined.year}. "
        "Orders too big for one workshop are shared with neighbouring members.",
    }


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


# The footer's pages (issue 15): slug, Indonesian title and body, English title and body. The contact details are
# the gallery's (site/templates/oscar/partials/footer.html repeats them for every page).
GALLERY = "Galeri Guyub, Jl. Keparakan Kidul 12, Mergangsan, Yogyakarta 55152"
MAP = "https://www.openstreetmap.org/?mlat=-7.8107&mlon=110.3738#map=18/-7.8107/110.3738"
INFO_PAGES = [
    (
        "tentang",
        "Tentang kami",
        "<p>Guyub adalah toko bersama 33 bengkel kulit di Kampung Keparakan Kidul, Yogyakarta. Pengurus menyepakati "
        "satu harga untuk setiap produk, anggota saling meminjam bahan, dan setiap pesanan dibagi ke bengkel yang "
        "punya waktu luang.</p>",
        "About us",
        "<p>Guyub is the shared shop of 33 leather workshops in Kampung Keparakan Kidul, Yogyakarta. The board "
        "agrees one price for every product, members lend each other materials, and every order goes to a workshop "
        "with free time.</p>",
    ),
    (
        "kontak",
        "Kontak",
        f"<p>WhatsApp dan telepon: +62 812-2700-1234 (Senin–Sabtu, 09.00–17.00).</p><p>{GALLERY}.</p>"
        f'<p><a href="{MAP}">Lihat di peta</a></p>',
        "Contact",
        f"<p>WhatsApp and phone: +62 812-2700-1234 (Monday–Saturday, 9am–5pm).</p><p>{GALLERY}.</p>"
        f'<p><a href="{MAP}">See it on the map</a></p>',
    ),
    (
        "pengiriman",
        "Pengiriman",
        "<p>Barang siap kirim dikirim dalam 2 hari kerja ke seluruh Indonesia. Barang yang dibuat sesuai pesanan "
        "dikirim paling lambat pada tanggal yang tertulis di halaman produk dan di email pesanan Anda.</p>",
        "Shipping",
        "<p>Items ready to ship leave within 2 working days, anywhere in Indonesia. Items made to order ship by the "
        "date shown on the product page and in your order email.</p>",
    ),
    (
        "pengembalian",
        "Pengembalian dan penukaran",
        "<p>Ukuran tidak pas? Tukar dalam 14 hari setelah barang diterima, selama belum dipakai. Barang cacat kami "
        "ganti atau uang kembali penuh. Hubungi kami lewat WhatsApp dengan nomor pesanan Anda.</p>",
        "Returns and exchanges",
        "<p>Wrong size? Exchange it within 14 days of delivery, unworn. A faulty item is replaced or fully "
        "refunded. Message us on WhatsApp with your order number.</p>",
    ),
    (
        "privasi",
        "Privasi",
        "<p>Kami memakai nama, alamat, email dan telepon Anda hanya untuk mengirim pesanan dan menghubungi Anda "
        "tentang pesanan itu. Kami tidak menjual data Anda dan tidak memakai pelacak iklan.</p>",
        "Privacy",
        "<p>We use your name, address, email and phone only to deliver your order and to contact you about it. We "
        "never sell your data and use no advertising trackers.</p>",
    ),
]


def _info_pages(report, home) -> None:
    for slug, title, body, title_en, body_en in INFO_PAGES:
        if InfoPage.objects.filter(slug=slug).exists():
            continue
        _add(home, InfoPage(title=title, title_en=title_en, slug=slug, body=body, body_en=body_en))
        report.count("pages", True)
