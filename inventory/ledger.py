"""The stock and material ledger rules, in plain Python (no Django), so they can be tested and reused alone.

Two kinds of account:

* a **stock account** is one member's stock of one product variant (an Oscar stockrecord): units in stock and
  units allocated to orders. ``0 <= allocated <= in_stock`` always holds;
* a **material account** is one member's balance of one raw material, never below zero, in the material's
  unit: counted units (pairs, pieces) are whole numbers, measured ones (square feet, metres, litres) Decimals
  with a fixed number of places.

Every change is a movement of a declared kind; an account's numbers are the sum of its movements. The Django
services apply these same rules to the database (inventory/services), and ``Ledger`` below is the in-memory
reference the property tests compare the database against.

Refusal messages are English templates marked with ``gettext_noop`` so that makemessages extracts them; the
Django layer translates them (``gettext(error.template) % error.params``).
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


def gettext_noop(message: str) -> str:
    """Marks a message for translation without importing Django (xgettext knows this keyword)."""
    return message


class LedgerError(ValueError):
    """A refused change; ``template % params`` is the English message."""

    template = gettext_noop("The change was refused.")

    def __init__(self, template: str | None = None, **params) -> None:
        if template is not None:
            self.template = template
        self.params = params
        super().__init__(self.template % params if params else self.template)


class InvalidQuantity(LedgerError):
    pass


class StockShortage(LedgerError):
    """Not enough free stock: ``needed`` units wanted, ``available`` free."""


class MaterialShortage(LedgerError):
    """One or more materials are short; ``shortfalls`` lists them all."""

    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = shortfalls
        first = shortfalls[0]
        super().__init__(
            gettext_noop("Not enough %(material)s: %(short)s short (needed %(needed)s, have %(available)s)."),
            material=first.key,
            short=first.short,
            needed=first.needed,
            available=first.available,
        )


class SameAccount(LedgerError):
    template = gettext_noop("A transfer needs two different members.")


class IdempotencyConflict(LedgerError):
    template = gettext_noop("This request key was already used for a different change.")


# --- Bounds --------------------------------------------------------------------------------------
# What a cooperative of home workshops can plausibly move or hold, far above any real number and far below
# what the columns (and Python's date and integer arithmetic in the services) can hold. One place for all
# of them: the services refuse beyond them, the forms say so on the field, the database checks back them up.

MAX_MOVE = 100_000  # units (or units of a material) in one stock or material movement
MAX_BALANCE = 1_000_000  # units of one variant in stock at one member; one member's balance of a material
MAX_WEEKLY_CAPACITY = 1_000  # units a workshop (or one of its product classes) makes in a week
LATITUDE = (-90, 90)
LONGITUDE = (-180, 180)
FIRST_JOINED = datetime.date(1990, 1, 1)  # the cooperative's workshops joined no earlier


class OutOfBounds(InvalidQuantity):
    """A quantity or balance beyond the bounds above."""


# --- Units and quantities ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    places: int  # 0 for counted units: whole numbers only


UNITS = {
    "sqft": Unit("sqft", 2),
    "m": Unit("m", 2),
    "l": Unit("l", 2),
    "pair": Unit("pair", 0),
    "piece": Unit("piece", 0),
}


def to_quantity(value, places: int, *, positive: bool = True) -> Decimal:
    """An exact Decimal with at most ``places`` decimals; finer values are refused, never rounded,
    because rounding a counted material (half a buckle) would silently change what the member recorded."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidQuantity(gettext_noop("%(value)s is not a number."), value=value) from None
    if not number.is_finite():
        raise InvalidQuantity(gettext_noop("%(value)s is not a number."), value=value)
    if abs(number) > 10 * MAX_BALANCE:  # before quantize, which fails on numbers with more digits than it keeps
        raise _too_large(positive)
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        if places == 0:
            raise InvalidQuantity(gettext_noop("%(value)s: this material is counted in whole numbers."), value=value)
        raise InvalidQuantity(gettext_noop("%(value)s: at most %(places)s decimal places."), value=value, places=places)
    if positive and number <= 0:
        raise InvalidQuantity(gettext_noop("The quantity must be more than zero."))
    if not positive and number == 0:
        raise InvalidQuantity(gettext_noop("The change must not be zero."))
    if abs(number) > MAX_MOVE:
        raise _too_large(positive)
    return number.quantize(step)


def _too_large(positive: bool) -> OutOfBounds:
    if positive:
        return OutOfBounds(gettext_noop("The quantity must be at most %(max)s in one movement."), max=MAX_MOVE)
    return OutOfBounds(gettext_noop("The change must be between -%(max)s and %(max)s in one movement."), max=MAX_MOVE)


def whole_units(value, *, positive: bool = True) -> int:
    """Finished goods are counted: a whole number of units."""
    return int(to_quantity(value, 0, positive=positive))


# --- Finished-goods stock ------------------------------------------------------------------------

SIGNED = "signed"  # the caller gives the sign (adjustments)

# kind -> (sign of the in-stock change, sign of the allocated change) for a positive quantity.
STOCK_KINDS: dict[str, tuple] = {
    "opening": (1, 0),  # what a workshop held when it joined the ledger
    "produced": (1, 0),
    "allocated": (0, 1),  # sold: reserved for an order line
    "deallocated": (0, -1),  # the order line was cancelled
    "shipped": (-1, -1),  # the sold units left the workshop (Oscar's consume_allocation)
    "returned": (1, 0),  # a buyer's return put back on the shelf
    "adjusted": (SIGNED, 0),  # counted stock differs; needs a reason
    "transfer_out": (-1, 0),
    "transfer_in": (1, 0),
}


@dataclass(frozen=True)
class StockLevel:
    in_stock: int = 0
    allocated: int = 0

    @property
    def free(self) -> int:
        return self.in_stock - self.allocated


def stock_deltas(kind: str, quantity) -> tuple[int, int]:
    """(in-stock change, allocated change) of a movement; adjustments take a signed quantity."""
    if kind not in STOCK_KINDS:
        raise InvalidQuantity(gettext_noop("Unknown stock movement kind %(kind)s."), kind=kind)
    sign_in, sign_alloc = STOCK_KINDS[kind]
    if sign_in == SIGNED:
        return whole_units(quantity, positive=False), 0
    units = whole_units(quantity)
    return sign_in * units, sign_alloc * units


def stock_shortage(level: StockLevel, d_in_stock: int, d_allocated: int) -> StockShortage:
    """The refusal of a change that takes more than ``level`` has free."""
    return StockShortage(
        gettext_noop("Not enough stock: %(needed)s needed, %(available)s free."),
        needed=max(-d_in_stock, d_allocated - d_in_stock),
        available=level.free,
    )


def balance_too_large(balance) -> OutOfBounds:
    return OutOfBounds(
        gettext_noop("The balance would be %(balance)s, more than the limit of %(max)s."),
        balance=balance,
        max=MAX_BALANCE,
    )


def apply_stock(level: StockLevel, d_in_stock: int, d_allocated: int) -> StockLevel:
    new = StockLevel(level.in_stock + d_in_stock, level.allocated + d_allocated)
    if new.in_stock > MAX_BALANCE:
        raise balance_too_large(new.in_stock)
    if new.allocated < 0:
        raise StockShortage(
            gettext_noop("Only %(available)s units are allocated; cannot release %(needed)s."),
            available=level.allocated,
            needed=-d_allocated,
        )
    if new.in_stock < 0 or new.free < 0:
        raise stock_shortage(level, d_in_stock, d_allocated)
    return new


# --- Raw materials -------------------------------------------------------------------------------

# kind -> sign for a positive quantity (SIGNED: the caller gives it).
MATERIAL_KINDS: dict[str, object] = {
    "opening": 1,
    "purchase": 1,
    "consumed": -1,  # used by recorded production
    "adjusted": SIGNED,
    "lent": -1,  # a loan to another member (its "borrowed" leg)
    "borrowed": 1,
    "returned": -1,  # a borrower gives material back (the lender's "return_received" leg)
    "return_received": 1,
    "settled": SIGNED,  # closing a loan some other way, e.g. in another material
    "transfer_out": -1,  # a plain hand-over between members
    "transfer_in": 1,
}

# Two-sided movements: purpose -> (the giver's kind, the receiver's kind). The loans issue uses these.
TRANSFER_PURPOSES: dict[str, tuple[str, str]] = {
    "loan": ("lent", "borrowed"),
    "return": ("returned", "return_received"),
    "settlement": ("settled", "settled"),
    "transfer": ("transfer_out", "transfer_in"),
}


def material_delta(kind: str, quantity, places: int) -> Decimal:
    if kind not in MATERIAL_KINDS:
        raise InvalidQuantity(gettext_noop("Unknown material movement kind %(kind)s."), kind=kind)
    sign = MATERIAL_KINDS[kind]
    if sign == SIGNED:
        return to_quantity(quantity, places, positive=False)
    return sign * to_quantity(quantity, places)


@dataclass(frozen=True)
class Shortfall:
    key: Hashable
    needed: Decimal
    available: Decimal

    @property
    def short(self) -> Decimal:
        return self.needed - self.available


def shortfalls(balances: Mapping[Hashable, Decimal], needs: Mapping[Hashable, Decimal]) -> list[Shortfall]:
    """Every material whose balance cannot cover the need, in the order of ``needs``."""
    out = []
    for key, needed in needs.items():
        available = balances.get(key, Decimal(0))
        if needed > available:
            out.append(Shortfall(key, needed, available))
    return out


def apply_material(balance: Decimal, delta: Decimal, key: Hashable = "") -> Decimal:
    new = balance + delta
    if new < 0:
        raise MaterialShortage([Shortfall(key, -delta, balance)])
    if new > MAX_BALANCE:
        raise balance_too_large(new)
    return new


# --- Bills of materials --------------------------------------------------------------------------


def resolve_bill(*levels: Mapping[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """One unit's consumption from bills given general to specific (class, parent product, variant):
    per material the most specific level wins, and a zero there removes the material."""
    bill: dict[Hashable, Decimal] = {}
    for level in levels:
        bill.update(level)
    return {key: qty for key, qty in bill.items() if qty}


def consumption(bill: Mapping[Hashable, Decimal], units: int) -> dict[Hashable, Decimal]:
    """What ``units`` consume. Per-unit amounts already respect each unit's places, so the product is exact."""
    return {key: per_unit * units for key, per_unit in bill.items()}


# --- Weeks ---------------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The Monday that starts the ISO week of ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def is_week_start(day: datetime.date) -> bool:
    return day.weekday() == 0


def iso_week(day: datetime.date) -> str:
    """The ISO week of ``day`` as people write it, e.g. 2026-W48."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_from(first: datetime.date, count: int) -> list[datetime.date]:
    start = week_start(first)
    return [start + datetime.timedelta(weeks=k) for k in range(count)]


# --- The in-memory reference ledger --------------------------------------------------------------


@dataclass
class Ledger:
    """Accounts and their movements in memory, with the same rules as the database services.

    Each change is all-or-nothing and idempotent by key: a key seen before is a no-op when the request
    is the same and raises IdempotencyConflict when it differs. Keys are unique per kind of record, as in
    the database (stock movements, material movements, productions).
    """

    stock: dict[Hashable, StockLevel] = field(default_factory=dict)
    materials: dict[Hashable, Decimal] = field(default_factory=dict)
    stock_movements: list[tuple[Hashable, str, int, int]] = field(default_factory=list)
    material_movements: list[tuple[Hashable, str, Decimal]] = field(default_factory=list)
    _seen: dict[tuple[str, str], tuple] = field(default_factory=dict)

    def _replayed(self, key: str, request: tuple) -> bool:
        if (request[0], key) in self._seen:
            if self._seen[(request[0], key)] != request:
                raise IdempotencyConflict()
            return True
        return False

    def stock_move(self, account, kind: str, quantity, *, key: str) -> None:
        d_in, d_alloc = stock_deltas(kind, quantity)
        if self._replayed(key, ("stock", account, kind, d_in, d_alloc)):
            return
        self.stock[account] = apply_stock(self.stock.get(account, StockLevel()), d_in, d_alloc)
        self.stock_movements.append((account, kind, d_in, d_alloc))
        self._seen[("stock", key)] = ("stock", account, kind, d_in, d_alloc)

    def stock_transfer(self, source, target, quantity, *, key: str) -> None:
        units = whole_units(quantity)
        if source == target:
            raise SameAccount()
        if self._replayed(key, ("stock", "transfer", source, target, units)):
            return
        new_source = apply_stock(self.stock.get(source, StockLevel()), -units, 0)
        new_target = apply_stock(self.stock.get(target, StockLevel()), units, 0)
        self.stock[source], self.stock[target] = new_source, new_target
        self.stock_movements += [(source, "transfer_out", -units, 0), (target, "transfer_in", units, 0)]
        self._seen[("stock", key)] = ("stock", "transfer", source, target, units)

    def material_move(self, account, kind: str, quantity, places: int, *, key: str) -> None:
        delta = material_delta(kind, quantity, places)
        if self._replayed(key, ("material", account, kind, delta)):
            return
        self.materials[account] = apply_material(self.materials.get(account, Decimal(0)), delta, account)
        self.material_movements.append((account, kind, delta))
        self._seen[("material", key)] = ("material", account, kind, delta)

    def material_transfer(self, source, target, purpose: str, quantity, places: int, *, key: str) -> None:
        out_kind, in_kind = TRANSFER_PURPOSES[purpose]
        amount = to_quantity(quantity, places)
        if source == target:
            raise SameAccount()
        if self._replayed(key, ("material", "transfer", source, target, purpose, amount)):
            return
        new_source = apply_material(self.materials.get(source, Decimal(0)), -amount, source)
        new_target = apply_material(self.materials.get(target, Decimal(0)), amount, target)
        self.materials[source], self.materials[target] = new_source, new_target
        self.material_movements += [(source, out_kind, -amount), (target, in_kind, amount)]
        self._seen[("material", key)] = ("material", "transfer", source, target, purpose, amount)

    def produce(self, account, units, bill: Mapping[Hashable, Decimal], *, key: str) -> None:
        """Add ``units`` to a stock account and consume ``bill`` per unit, or change nothing."""
        units = whole_units(units)
        if self._replayed(key, ("produce", account, units)):
            return
        needs = consumption(bill, units)
        short = shortfalls(self.materials, needs)
        if short:
            raise MaterialShortage(short)
        for material, amount in needs.items():
            self.materials[material] = self.materials.get(material, Decimal(0)) - amount
            self.material_movements.append((material, "consumed", -amount))
        self.stock[account] = apply_stock(self.stock.get(account, StockLevel()), units, 0)
        self.stock_movements.append((account, "produced", units, 0))
        self._seen[("produce", key)] = ("produce", account, units)

    def discrepancies(self) -> list[Hashable]:
        """Accounts whose numbers differ from the sum of their movements (always empty when correct)."""
        sums: dict = {}
        for account, _kind, d_in, d_alloc in self.stock_movements:
            level = sums.get(account, StockLevel())
            sums[account] = StockLevel(level.in_stock + d_in, level.allocated + d_alloc)
        material_sums: dict = {}
        for account, _kind, delta in self.material_movements:
            material_sums[account] = material_sums.get(account, Decimal(0)) + delta
        wrong = [a for a, level in self.stock.items() if sums.get(a, StockLevel()) != level]
        wrong += [a for a, qty in self.materials.items() if material_sums.get(a, Decimal(0)) != qty]
        return wrong
