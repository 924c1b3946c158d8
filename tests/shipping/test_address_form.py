"""The Indonesian address form: one name is enough, the phone is required and saved as +62…, Indonesia needs
its province and kecamatan, a buyer abroad fills a plain international form."""

import pytest
from oscar.core.loading import get_class

from tests.payments.helpers import ADDRESS

ShippingAddressForm = get_class("checkout.forms", "ShippingAddressForm")
UserAddressForm = get_class("address.forms", "UserAddressForm")


def _form(**changes):
    data = {**ADDRESS, **changes}
    return ShippingAddressForm(data={k: v for k, v in data.items() if v is not None})


@pytest.mark.django_db
def test_the_checkout_uses_our_form():
    assert "province" in ShippingAddressForm().fields and "district" in ShippingAddressForm().fields


@pytest.mark.django_db
def test_one_name_is_enough():
    form = _form(last_name="")
    assert form.is_valid(), form.errors
    assert form.instance.last_name == "" and form.instance.first_name == "Sari"


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["081227001234", "0812-2700-1234", "+62 812 2700 1234", "6281227001234"])
def test_indonesian_phone_formats_are_saved_as_plus_62(phone):
    form = _form(phone_number=phone)
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["phone_number"]) == "+6281227001234"


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["", "12345", "0812", "+1 202 555 0143", "telepon"])
def test_bad_or_missing_phone_is_refused_naming_the_field(phone):
    form = _form(phone_number=phone)
    assert not form.is_valid()
    assert list(form.errors) == ["phone_number"]


@pytest.mark.django_db
def test_province_and_kecamatan_required_for_indonesia():
    form = _form(province="", district="")
    assert not form.is_valid()
    assert set(form.errors) == {"province", "district"}
    assert not _form(province="Jawa Kidul").is_valid()  # not one of the 38
    assert not _form(postcode="5512").is_valid()


@pytest.mark.django_db
def test_province_is_saved_as_the_state():
    form = _form(province="DI Yogyakarta", state="")
    assert form.is_valid(), form.errors
    assert form.instance.state == "DI Yogyakarta"


@pytest.mark.django_db
def test_export_buyer_fills_a_plain_international_form():
    form = _form(
        first_name="Wei Ling",
        last_name="Tan",
        line1="1 Raffles Place",
        subdistrict="",
        district="",
        line4="Singapore",
        province="",
        state="",
        postcode="048616",
        country="SG",
        phone_number="+65 6123 4567",
    )
    assert form.is_valid(), form.errors
    assert form.instance.state == "" and str(form.cleaned_data["phone_number"]) == "+6561234567"


@pytest.mark.django_db
def test_address_book_keeps_the_indonesian_fields(buyer_user):
    form = UserAddressForm(buyer_user, data=ADDRESS)
    assert form.is_valid(), form.errors
    address = form.save()
    assert (address.district, address.subdistrict, address.state) == ("Gondomanan", "Ngupasan", "DI Yogyakarta")
    assert "Gondomanan" in address.summary
