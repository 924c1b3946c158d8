"""Writes. Each service takes keyword arguments, does one named thing in one transaction, and raises
InventoryError (a ValidationError with a translated message) when it refuses; then nothing was written.

The API other issues call (routing, material loans, checkout):

* stock_move(stockrecord=, kind=, quantity=, idempotency_key=, ...)       one stock change of one variant
* stock_transfer(stockrecord=, to_member=, quantity=, idempotency_key=)   finished goods between members
* material_move(member=, material=, kind=, quantity=, idempotency_key=)   purchase / consumed / adjusted / opening
* material_transfer(from_member=, to_member=, material=, quantity=, purpose=, idempotency_key=)
                                                                           loan / return / settlement / transfer
* production_record(member=, product=, quantity=, idempotency_key=, source=)
* load_add / load_release(member=, week=, units=, source=, idempotency_key=)
* own_order_create / own_order_close
"""

from .capacity import load_add, load_release, own_order_close, own_order_create
from .common import InventoryError
from .materials import material_move, material_transfer
from .members import member_create, member_update, member_update_contact
from .production import production_record
from .stock import stock_move, stock_transfer, stockrecord_for

__all__ = [
    "InventoryError",
    "load_add",
    "load_release",
    "material_move",
    "material_transfer",
    "member_create",
    "member_update",
    "member_update_contact",
    "own_order_close",
    "own_order_create",
    "production_record",
    "stock_move",
    "stock_transfer",
    "stockrecord_for",
]
