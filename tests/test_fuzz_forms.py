"""Issue 13, "Done when": random and extreme values posted to every form of the workspace, the pool, loans and
prices, as the role that may use it. Whatever arrives, the answer is never a server error, and the stock and
material ledgers still equal the sums of their movements (manage.py inventory_check).

The forms come from the URL confs (inventory/urls.py, pooling/urls.py, pooling/loans/urls.py, catalog/urls.py);
each example posts one form with every field given a hostile value (or left out). All examples of a test share
its database transaction, so later examples meet what earlier ones managed to write.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.inventory.conftest import variant_of  # noqa: F401  (fixtures of the folders, used here too)
from tests.loans.conftest import hide, member, open_loan  # noqa: F401

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
_keys = itertools.count()

EXTREMES = [
    "0",
    "1",
    "-1",
    "2",
    "100000",
    "100001",
    "1000000000000",
    str(10**19),
    str(-(10**19)),
    "9223372036854775807",
    "-9223372036854775808",
    "9" * 400,
    "9" * 5000,
    "9999999999.99",
    "0.001",
    "1.5",
    "-0.01",
    "1e309",
    "1e-309",
    "NaN",
    "inf",
    "-inf",
    "",
    " ",
    "abc",
    "١٢",
    "0x10",
    "1,5",
    "1.000.000",
    "Rp 150.000",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "1990-01-01",
    "9999-12-31T23:59",
    "0001-01-01 00:00",
    "x" * 300,
    "x" * 10_000,
    "=cmd|'/c calc'!A1",
    "<script>alert(1)</script>",
    "\ufeff",
    "\ufeff\ufeff",
    "ünïcødé ✂",
    "-0",
    "+5",
    "00000000000000000001",
]
VALUE = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
    st.text(max_size=40),
)


def field_values(names, fixed=None):
    """A dict giving each field a hostile value or leaving it out; ``fixed`` values may be kept as they are
    (a real choice) so the form gets past its first check now and then."""
    fixed = fixed or {}

    def build(draws):
        data = {}
        for name, (keep, leave_out, value) in zip(names, draws):
            if leave_out:
                continue
            data[name] = fixed[name] if keep and name in fixed else value
        return data

    return st.tuples(*[st.tuples(st.booleans(), st.integers(0, 9).map(lambda n: n == 0), VALUE) for _ in names]).map(
        build
    )


def key_of(data):
    data.setdefault("idempotency_key", f"fz-{next(_keys)}")
    return data


def draw_form(data, forms):
    """One of ``forms`` (url, field names, fixed values) and hostile values for its fields (and a fresh
    idempotency key where the form takes one and the draw left it out)."""
    url, names, fixed = data.draw(st.sampled_from(forms))
    values = data.draw(field_values(names, fixed))
    return url, names, key_of(values) if "idempotency_key" in names else values


def post_ok(client, url, data):
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)
    return response


def ledgers_balance():
    call_command("inventory_check", stdout=open("/dev/null", "w"))


def strip_nul(data):
    # The test client (like a browser) cannot send a NUL in a form; everything else goes through as typed.
    return {k: (v.replace("\x00", "") if isinstance(v, str) else v) for k, v in data.items()}


# --- The workspace (artisan of m01) ------------------------------------------------------------------------


@pytest.fixture
def workspace(client_as, member_a, variant_of):
    from inventory.models import Material, OwnOrder
    from inventory.selectors import current_week
    from inventory.services import own_order_create

    product, record = variant_of(member_a)
    pc = member_a.skills.first()
    order = own_order_create(member=member_a, product_class=pc, quantity=1, due_week=current_week())
    material = Material.objects.filter(active=True).order_by("pk").first()
    forms = [
        (
            f"/workspace/m01/stock/{record.pk}/adjust/",
            ["change", "reason", "idempotency_key"],
            {"change": "1", "reason": "hitung"},
        ),
        (
            f"/workspace/m01/materials/{material.code}/",
            ["kind", "quantity", "reason", "idempotency_key"],
            {"kind": "purchase", "quantity": "1"},
        ),
        ("/workspace/m01/produce/", ["product", "quantity", "idempotency_key"], {"product": str(product.pk)}),
        (
            "/workspace/m01/orders/own/",
            ["product_class", "quantity", "due_week", "note", "idempotency_key"],
            {"product_class": str(pc.pk), "quantity": "3", "due_week": current_week().isoformat()},
        ),
        (f"/workspace/m01/orders/own/{order.pk}/close/", ["status"], {"status": "done"}),
        ("/workspace/m01/profile/", ["phone", "address"], {"address": "Jl. Uji"}),
        (
            "/pool/w/m01/overflow/",
            ["product", "quantity", "due_week", "own_order", "note"],
            {
                "product": str(product.pk),
                "quantity": "2",
                "due_week": current_week().isoformat(),
                "own_order": str(order.pk),
            },
        ),
    ]
    assert OwnOrder.objects.filter(pk=order.pk).exists()
    return client_as("artisan_a"), forms


# --- The board's workspace pages, the pool's settings, the loans' settings -------------------------------------


@pytest.fixture
def board_forms(client_as, member_a):
    from oscar.core.loading import get_model

    classes = list(get_model("catalogue", "ProductClass").objects.order_by("pk"))
    from inventory.forms import MemberBoardForm

    profile = list(MemberBoardForm.Meta.fields) + [f"capacity_{pc.pk}" for pc in classes]
    fixed = {
        "name": member_a.name,
        "workers": "3",
        "address": "Jl. A",
        "latitude": "-7.81",
        "longitude": "110.37",
        "weekly_capacity": "20",
        "joined": "2020-01-02",
        "status": "active",
        "skills": str(classes[0].pk),
    }
    forms = [
        ("/workspace/m01/profile/", profile, fixed),
        ("/workspace/board/import/", ["kind", "content"], {"kind": "stock"}),
        ("/workspace/board/import/", ["kind", "content", "confirm"], {"kind": "materials", "confirm": "1"}),
        (
            "/pool/board/settings/",
            ["fairness", "distance", "preference", "response_hours"],
            {"fairness": "1", "distance": "1", "preference": "1", "response_hours": "24"},
        ),
        (
            reverse("loans:board-settings"),
            ["notice_days", "max_active_loans", "default_term_days"],
            {"notice_days": "2", "max_active_loans": "3", "default_term_days": "30"},
        ),
    ]
    return client_as("board"), forms


CSV_ROWS = st.lists(st.tuples(st.sampled_from(["m01", "m02", "m99", ""]), VALUE, VALUE), max_size=4)


@given(data=st.data())
@FUZZ
def test_board_forms(board_forms, data):
    client, forms = board_forms
    url, names, values = draw_form(data, forms)
    if "content" in names and data.draw(st.booleans()):  # a CSV-shaped file now and then
        kind = values.get("kind", "stock")
        header = {"stock": "member,upc,quantity", "materials": "member,material,quantity"}.get(kind, "code,name")
        rows = data.draw(CSV_ROWS)
        values["content"] = header + "\n" + "\n".join(",".join(str(c).replace(",", " ") for c in r) for r in rows)
    post_ok(client, url, strip_nul(values))
    ledgers_balance()


# --- Loans (artisan of m01, as borrower and as lender) ---------------------------------------------------------


@pytest.fixture
def loan_forms(client_as, member, hide, open_loan):
    material = hide({"m01": "50", "m02": "50"}, code="fz-hide")
    borrowed = open_loan(member("m01"), member("m02"), material, "10")  # m01 returns
    asked = open_loan(member("m02"), member("m01"), material, "5", state="requested")  # m01 accepts
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    forms = [
        (
            reverse("loans:request"),
            [
                "borrower",
                "material",
                "quantity",
                "needed_by",
                "return_by",
                "lender",
                "note",
                "idempotency_key",
                "suggest",
            ],
            {
                "borrower": str(member("m01").pk),
                "material": str(material.pk),
                "quantity": "1",
                "needed_by": tomorrow,
                "lender": str(member("m02").pk),
            },
        ),
        (reverse("loans:act", args=[borrowed.pk, "return"]), ["quantity", "idempotency_key"], {"quantity": "1"}),
        (reverse("loans:act", args=[asked.pk, "accept"]), ["quantity", "idempotency_key"], {"quantity": "1"}),
        (reverse("loans:act", args=[borrowed.pk, "propose_settlement"]), ["idempotency_key"], {}),
    ]
    return client_as("artisan_a"), forms


@pytest.fixture
def artisan_forms(request):
    """The artisan's client and forms of the workspace and pool (``workspace``) or of loans (``loan_forms``)."""
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("artisan_forms", ["workspace", "loan_forms"], indirect=True)
@given(data=st.data())
@FUZZ
def test_workspace_pool_and_loan_forms_as_the_artisan(artisan_forms, data):
    client, forms = artisan_forms
    url, _names, values = draw_form(data, forms)
    post_ok(client, url, strip_nul(values))
    ledgers_balance()


# --- Prices (board) --------------------------------------------------------------------------------------------


@pytest.fixture
def price_forms(client_as):
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.exclude(structure="parent").exclude(upc="").first()
    forms = [
        (
            reverse("catalog:propose"),
            ["sku", "amount", "min_quantity", "effective_from", "reason"],
            {"sku": product.upc, "amount": "150000", "min_quantity": "1"},
        ),
        (
            reverse("catalog:rules"),
            ["quorum", "change_threshold_percent"],
            {"quorum": "2", "change_threshold_percent": "30"},
        ),
        (reverse("catalog:import"), ["text"], {}),
        (reverse("catalog:import"), ["text", "apply"], {"apply": "1"}),
    ]
    return client_as("board"), forms, product


@given(data=st.data())
@FUZZ
def test_price_forms_as_the_board(price_forms, data):
    client, forms, product = price_forms
    url, names, values = draw_form(data, forms)
    if "text" in names and data.draw(st.booleans()):
        values["text"] = (
            f"sku,price,min_quantity,effective_from\n{product.upc},{data.draw(VALUE)},{data.draw(VALUE)},"
            f"{data.draw(VALUE)}".replace("\x00", "")
        )
    post_ok(client, url, strip_nul(values))
    assert client.get(reverse("catalog:propose"), {"product": data.draw(VALUE)}).status_code < 500
    ledgers_balance()
