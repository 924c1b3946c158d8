"""The live courier-rate provider against a local fake HTTP server (a thread; no network): its prices when it
answers, the table with the reason logged when it fails, times out or answers nonsense."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from catalog.shop.shipping import rates
from catalog.shop.shipping.rules import Destination

PRICING = {
    "success": True,
    "pricing": [
        {
            "courier_code": "jne",
            "courier_service_code": "reg",
            "courier_name": "JNE",
            "price": 17000,
            "shipment_duration_range": "2 - 3",
        },
        {
            "courier_code": "sicepat",
            "courier_service_code": "reg",
            "courier_name": "SiCepat",
            "price": 14000,
            "shipment_duration_range": "2 - 3",
        },
    ],
}


class FakeProvider(BaseHTTPRequestHandler):
    behaviour = "ok"
    requests = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeProvider.requests.append((dict(self.headers), body))
        if FakeProvider.behaviour == "slow":
            time.sleep(1.5)
        status, payload = 200, PRICING
        if FakeProvider.behaviour == "error":
            status, payload = 500, {"success": False}
        elif FakeProvider.behaviour == "nonsense":
            payload = {"pricing": [{"courier_code": "jne", "courier_service_code": "reg", "price": 12.5}]}
        elif FakeProvider.behaviour == "huge":  # would not fit the order's money fields
            payload = {"pricing": [{"courier_code": "jne", "courier_service_code": "reg", "price": 10**15}]}
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeProvider.behaviour, FakeProvider.requests = "ok", []
    settings.GUYUB_SHIPPING_RATES = "live"
    settings.GUYUB_SHIPPING_LIVE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1/rates/couriers"
    settings.GUYUB_SHIPPING_LIVE_KEY = "test-key"
    settings.GUYUB_SHIPPING_LIVE_TIMEOUT = 0.5
    cache.clear()
    yield FakeProvider
    server.shutdown()
    server.server_close()
    cache.clear()


@pytest.mark.django_db
def test_live_provider_prices_are_used(provider):
    quotes = rates.quote(Destination("ID", "60111"), 1200)
    assert [(q.code, q.cost, q.days) for q in quotes] == [("sicepat-reg", 14000, "2–3"), ("jne-reg", 17000, "2–3")]
    headers, body = provider.requests[0]
    assert headers["Authorization"] == "test-key"
    assert body["origin_postal_code"] == 55152 and body["destination_postal_code"] == 60111
    assert body["items"][0]["weight"] == 1200
    rates.quote(Destination("ID", "60111"), 1200)
    assert len(provider.requests) == 1  # the same parcel is not asked again within minutes (checkout steps)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "behaviour, reason",
    [("error", "HTTP 500"), ("slow", "timed out"), ("nonsense", "unexpected"), ("huge", "unexpected")],
)
def test_failing_provider_falls_back_to_the_table_with_the_reason_logged(provider, caplog, behaviour, reason):
    provider.behaviour = behaviour
    with caplog.at_level(logging.WARNING, logger="catalog.shop.shipping.rates"):
        started = time.monotonic()
        quotes = rates.quote(Destination("ID", "60111"), 1200)
    assert time.monotonic() - started < 1.4  # the timeout, not the provider's pace
    table = rates.TableRates().quote(destination=Destination("ID", "60111"), weight_grams=1200)
    assert quotes == table and quotes
    assert reason in caplog.text and "using the rate table" in caplog.text


@pytest.mark.django_db
def test_unreachable_provider_falls_back(settings, caplog):
    settings.GUYUB_SHIPPING_RATES = "live"
    settings.GUYUB_SHIPPING_LIVE_URL = "http://127.0.0.1:9/nothing-listens-here"
    cache.clear()
    with caplog.at_level(logging.WARNING, logger="catalog.shop.shipping.rates"):
        quotes = rates.quote(Destination("ID", "60111"), 1200)
    assert quotes and "request failed" in caplog.text


@pytest.mark.django_db
def test_destination_without_a_five_digit_postcode_uses_the_table(provider, caplog):
    with caplog.at_level(logging.WARNING, logger="catalog.shop.shipping.rates"):
        quotes = rates.quote(Destination("ID", "601"), 1200)
    assert quotes == rates.TableRates().quote(destination=Destination("ID", "601"), weight_grams=1200)
    assert not provider.requests and "five-digit postcode" in caplog.text
