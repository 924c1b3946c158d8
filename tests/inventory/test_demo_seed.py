"""The demo inventory: idempotent, and every ledger balances from the start."""

import pytest

from inventory import selectors
from inventory.demo import seed_inventory
from inventory.models import BillLine, Material, MaterialBalance, StockMovement

pytestmark = pytest.mark.django_db


def test_seed_brings_every_stockrecord_into_the_ledger_and_balances():
    assert StockMovement.objects.filter(kind="opening").exists()
    assert selectors.stock_discrepancies() == []
    assert selectors.material_discrepancies() == []


def test_seed_is_idempotent():
    before = (
        Material.objects.count(),
        BillLine.objects.count(),
        StockMovement.objects.count(),
        MaterialBalance.objects.count(),
    )
    assert seed_inventory().created == {}
    after = (
        Material.objects.count(),
        BillLine.objects.count(),
        StockMovement.objects.count(),
        MaterialBalance.objects.count(),
    )
    assert before == after


def test_materials_catalogue_declares_units():
    units = dict(Material.objects.values_list("code", "unit"))
    assert units["kulit-sapi-a"] == "sqft" and units["sol-karet"] == "pair" and units["gesper"] == "piece"
    assert units["benang"] == "m" and units["lem"] == "l"
    assert Material.objects.get(code="gesper").places == 0
    assert Material.objects.get(code="lem").places == 2


def test_inventory_check_command_passes_on_balanced_ledgers():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("inventory_check", stdout=out)
    assert "ledgers balance" in out.getvalue()
