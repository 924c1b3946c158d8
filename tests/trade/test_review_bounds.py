"""Review mends: the deposit rounds up, and odd input (a "²" quantity or price key, a huge CSV, a wanted date
years out) is refused naming the field instead of a 500 or a request carried into far-off due weeks."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.errors import Refusal
from trade import services
from trade.models import Quote, QuoteRequest

from .conftest import shop_staff, six_weeks_out


def _request(importer, coop):
    return services.create_request(
        account=importer, wanted=six_weeks_out(), destination="Singapore", lines=[(coop["sandal"].upc, 10)]
    )


def test_deposit_is_rounded_up_to_the_whole_rupiah(importer, coop):
    rfq = _request(importer, coop)
    quote = services.prepare_quote(
        request=rfq, by=shop_staff(), valid_until=timezone.localdate(), packing="101", shipping=0
    )
    assert quote.total % 10 == 1  # 30 % of it is not a whole rupiah
    assert (quote.deposit - 1) * 100 < quote.total * 30 <= quote.deposit * 100
    assert quote.deposit + quote.balance == quote.total


# isdigit() passes "²", which int() refuses; int() refuses more than 4,300 digits with a ValueError: either was a
# 500 before the bounds
ODD_NUMBERS = pytest.mark.parametrize("number", ["²", "9" * 5000], ids=["superscript", "5000-digits"])


@ODD_NUMBERS
def test_an_odd_csv_quantity_is_refused_by_row(importer, coop, number):
    with pytest.raises(Refusal) as caught:
        services.read_csv(f"{coop['sandal'].upc},{number}\n")
    assert caught.value.field == "csv" and caught.value.messages[0].startswith("Row 1:")


@ODD_NUMBERS
def test_an_odd_price_key_or_deposit_is_no_500(client_as, importer, coop, number):
    rfq = _request(importer, coop)
    data = {
        "valid_until": timezone.localdate().isoformat(),
        "deposit_percent": number,
        f"price_{number}": "1",
        "shipping": "0",
    }
    # A form post (a multipart one refuses a 5,000-character field name itself, with a 400)
    form = urlencode(data)
    response = client_as("staff").post(
        f"/trade/requests/{rfq.pk}/quote/", form, content_type="application/x-www-form-urlencoded", follow=True
    )
    assert response.status_code == 200
    assert "deposit_percent" in response.content.decode()
    assert not Quote.objects.filter(request=rfq).exists()


def test_a_csv_larger_than_the_bound_is_refused_unread(client, importer, coop):
    client.force_login(importer.user)
    big = SimpleUploadedFile("r.csv", f"{coop['sandal'].upc},1\n".encode() + b" " * 200_001, content_type="text/csv")
    data = {"wanted": six_weeks_out().isoformat(), "destination": "Singapore", "csv": big}
    page = client.post("/trade/requests/new/", data, follow=True).content.decode()
    assert "larger than 200 kB" in page
    assert not QuoteRequest.objects.filter(account=importer).exists()


def test_a_wanted_date_years_out_is_refused(importer, coop):
    far = timezone.localdate() + datetime.timedelta(days=3 * 365)
    with pytest.raises(Refusal) as caught:
        services.create_request(account=importer, wanted=far, destination="SG", lines=[(coop["sandal"].upc, 1)])
    assert caught.value.field == "wanted"
    assert not QuoteRequest.objects.filter(account=importer).exists()
