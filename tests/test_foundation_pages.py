"""Every page of the foundation answers, in Indonesian by default, with prices as whole Rupiah."""

import re

import pytest
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/pengrajin/",
    "/pengrajin/m01/",
    "/cerita/",
    "/cerita/harga-seragam/",
    "/catalogue/",
    "/basket/",
    "/search/?q=sandal",
    "/accounts/login/",
]
LOGIN_PAGES = ["/dashboard/", "/cms/", "/workspace/", "/accounts/"]
RUPIAH = re.compile(r"Rp\s?\d{1,3}(\.\d{3})+(?![,\d])")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_answer_in_indonesian(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="id"' in html
    assert "Pengrajin kami" in html  # the shared navigation, translated


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_private_pages_send_anonymous_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_product_page_shows_whole_rupiah_without_decimals(client):
    parent = Product.objects.filter(structure=Product.PARENT).order_by("upc").first()
    html = client.get(parent.get_absolute_url()).content.decode()
    prices = RUPIAH.findall(html)
    assert prices, "no Rupiah price on the product page"
    assert not re.search(r"Rp\s?[\d.]+,\d\d", html), "prices must not carry decimals"


def test_english_is_switchable_and_keeps_rupiah(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/catalogue/"})
    assert response.status_code == 302
    html = client.get("/catalogue/").content.decode()
    assert '<html lang="en"' in html
    assert "Our artisans" in html
    assert RUPIAH.search(html)
    assert not re.search(r"Rp\s?[\d.]+,\d\d", html)


def test_product_title_and_description_follow_the_language(client):
    parent = Product.objects.filter(structure=Product.PARENT).order_by("upc").first()
    html_id = client.get(parent.get_absolute_url()).content.decode()
    assert parent.title in html_id
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html_en = client.get(parent.get_absolute_url()).content.decode()
    assert parent.title_en in html_en
    assert parent.description_en.split(",")[0] in html_en


def test_language_switcher_is_on_every_page(client):
    for url in PUBLIC_PAGES:
        html = client.get(url).content.decode()
        assert 'class="language-switcher' in html, url


def test_artisan_profile_lists_its_own_products(client):
    from inventory.models import Member

    member = Member.objects.get(code="m01")
    html = client.get("/pengrajin/m01/").content.decode()
    stocked = Product.objects.filter(children__stockrecords__partner=member.partner).distinct()
    assert stocked.exists()
    for product in stocked:
        assert product.title in html
    others = Product.objects.filter(structure=Product.PARENT).exclude(pk__in=stocked)
    for product in others:
        assert product.get_absolute_url() not in html


def test_add_to_basket_then_basket_shows_rupiah(client):
    child = Product.objects.filter(structure=Product.CHILD, stockrecords__num_in_stock__gt=0).order_by("upc").first()
    response = client.post(f"/basket/add/{child.parent_id}/", {"quantity": 1, "child_id": child.pk}, follow=True)
    assert response.status_code == 200
    html = client.get("/basket/").content.decode()
    assert child.parent.title in html
    assert RUPIAH.search(html)


def test_friendly_404_in_the_site_design(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert "Pengrajin kami" in html  # same navigation as every page


def test_friendly_500_page_renders_without_a_request():
    from guyub.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Guyub" in response.content.decode()


def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_staff_reaches_dashboard_and_cms(client_as):
    client = client_as("staff")
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/cms/").status_code == 200


def test_buyer_is_kept_out_of_dashboard(client_as):
    client = client_as("buyer")
    response = client.get("/dashboard/")
    assert response.status_code in (302, 403)
