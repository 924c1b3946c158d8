"""Onboarding by CSV: members, their opening stock of products, their opening balances of materials.

Every import is all-or-nothing: all rows are checked first and every error is reported with its row
(the header is row 1) and column; only a file without errors is applied, in one transaction. A dry run
applies it the same way and rolls back, so the preview shows exactly what the import would do.
A price column is refused: members never set prices (the board sets one agreed price per product).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from . import ledger, services
from .models import Material, MaterialMovement, Member, StockMovement
from .models.members import validate_joined
from .prices import refuse_member_price  # members never send prices: the board sets them
from .services.common import refusal

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
MAX_ROWS = 5000
MAX_CELL = 255  # the longest text column; narrower columns say their own width


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "-",
            "message": self.message,
        }


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the values as understood, for the preview
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class RowRefused(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


class Importer:
    kind = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def parse(self, row: dict) -> dict:
        """Checked values of one row; RowRefused(column, message) for the first bad cell."""
        raise NotImplementedError

    def apply(self, values: dict, *, key: str, user) -> None:
        raise NotImplementedError

    # Cell readers shared by the importers.
    def identity(self, values: dict):
        """What may appear only once per file (None: no such rule); a second row with it is refused."""
        return None

    @staticmethod
    def text(row, column, *, required=True, max_length=MAX_CELL) -> str:
        value = (row.get(column) or "").strip()
        if required and not value:
            raise RowRefused(column, _("This cell must not be empty."))
        if len(value) > max_length:
            raise RowRefused(column, _("At most %(max)s characters.") % {"max": max_length})
        return value

    @staticmethod
    def integer(row, column, *, low=None, high=None) -> int:
        raw = Importer.text(row, column)
        try:
            value = int(raw)
        except ValueError:
            raise RowRefused(column, _("%(value)s is not a whole number.") % {"value": raw}) from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise RowRefused(
                column,
                _("Must be a whole number from %(low)s to %(high)s.")
                % {"low": low, "high": high if high is not None else "…"},
            )
        return value

    @staticmethod
    def member(row, column="member") -> Member:
        code = Importer.text(row, column)
        member = Member.objects.select_related("partner").filter(code=code).first()
        if member is None:
            raise RowRefused(column, _("No member with code %(code)s.") % {"code": code})
        return member


class MemberImporter(Importer):
    kind = "members"
    required = ("code", "name", "owner_email", "workers", "address", "latitude", "longitude", "weekly_capacity")
    optional = ("owner_name", "phone", "skills", "joined", "status")

    def __init__(self):
        self.seen: set[str] = set()

    def parse(self, row):
        code = self.text(row, "code", max_length=Member._meta.get_field("code").max_length).lower()
        try:
            validate_slug(code)
        except ValidationError:
            raise RowRefused("code", _("Use letters, digits and dashes only, e.g. m34.")) from None
        if code in self.seen or Member.objects.filter(code=code).exists():
            raise RowRefused("code", _("The code %(code)s is already taken.") % {"code": code})
        self.seen.add(code)
        email = self.text(row, "owner_email", max_length=254)
        try:
            validate_email(email)
        except ValidationError:
            raise RowRefused("owner_email", _("%(value)s is not an email address.") % {"value": email}) from None
        values = {
            "code": code,
            "name": self.text(row, "name", max_length=Partner._meta.get_field("name").max_length),
            "owner_email": email,
            "owner_name": self.text(row, "owner_name", required=False),
            "workers": self.integer(row, "workers", low=1, high=19),
            "phone": self.text(row, "phone", required=False, max_length=Member._meta.get_field("phone").max_length),
            "address": self.text(row, "address", max_length=Member._meta.get_field("address").max_length),
            "latitude": self._coordinate(row, "latitude", 90),
            "longitude": self._coordinate(row, "longitude", 180),
            "weekly_capacity": self.integer(row, "weekly_capacity", low=0, high=ledger.MAX_WEEKLY_CAPACITY),
            "skills": self._skills(row),
            "status": self._status(row),
        }
        joined = self.text(row, "joined", required=False)
        if joined:
            try:
                values["joined"] = datetime.date.fromisoformat(joined)
            except ValueError:
                raise RowRefused("joined", _("Write the date as YYYY-MM-DD.")) from None
            try:
                validate_joined(values["joined"])
            except ValidationError as error:
                raise RowRefused("joined", " ".join(error.messages)) from error
        return values

    @staticmethod
    def _coordinate(row, column, bound) -> Decimal:
        raw = Importer.text(row, column)
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise RowRefused(column, _("%(value)s is not a number.") % {"value": raw}) from None
        if not value.is_finite() or abs(value) > bound:
            raise RowRefused(column, _("Must be between -%(bound)s and %(bound)s.") % {"bound": bound})
        return value.quantize(Decimal("0.000001"))

    @staticmethod
    def _skills(row) -> list:
        slugs = [
            s.strip() for s in Importer.text(row, "skills", required=False).replace(",", ";").split(";") if s.strip()
        ]
        classes = {pc.slug: pc for pc in ProductClass.objects.filter(slug__in=slugs)}
        unknown = [s for s in slugs if s not in classes]
        if unknown:
            raise RowRefused("skills", _("Unknown product class %(slug)s.") % {"slug": unknown[0]})
        return [classes[s] for s in slugs]

    @staticmethod
    def _status(row) -> str:
        status = Importer.text(row, "status", required=False) or Member.Status.ACTIVE
        if status not in Member.Status.values:
            raise RowRefused("status", _("Use active or suspended."))
        return status

    def apply(self, values, *, key, user):
        services.member_create(**values)


class StockImporter(Importer):
    kind = "stock"
    required = ("member", "upc", "quantity")

    def parse(self, row):
        member = self.member(row)
        upc = self.text(row, "upc")
        product = Product.objects.filter(upc=upc).first()
        if product is None:
            raise RowRefused("upc", _("No product with UPC %(upc)s.") % {"upc": upc})
        if product.is_parent:
            raise RowRefused("upc", _("%(upc)s is a parent product; give the UPC of a variant.") % {"upc": upc})
        record = services.stockrecord_for(member=member, product=product, create=False)
        if record is not None and StockMovement.objects.filter(stockrecord=record).exists():
            raise RowRefused(
                "upc",
                _("%(member)s already has stock of %(upc)s recorded; use an adjustment.")
                % {"member": member.code, "upc": upc},
            )
        return {
            "member": member,
            "product": product,
            "quantity": self.integer(row, "quantity", low=1, high=ledger.MAX_MOVE),
        }

    def identity(self, values):
        return ("upc", values["member"].pk, values["product"].pk)

    def apply(self, values, *, key, user):
        record = services.stockrecord_for(member=values["member"], product=values["product"])
        services.stock_move(
            stockrecord=record,
            kind=StockMovement.Kind.OPENING,
            quantity=values["quantity"],
            idempotency_key=key,
            user=user,
            source="import",
        )


class MaterialImporter(Importer):
    kind = "materials"
    required = ("member", "material", "quantity")

    def parse(self, row):
        member = self.member(row)
        code = self.text(row, "material")
        material = Material.objects.filter(code=code).first()
        if material is None:
            raise RowRefused("material", _("No material with code %(code)s.") % {"code": code})
        if MaterialMovement.objects.filter(member=member, material=material).exists():
            raise RowRefused(
                "material",
                _("%(member)s already has %(material)s recorded; use an adjustment.")
                % {"member": member.code, "material": code},
            )
        try:
            quantity = material.quantity(self.text(row, "quantity").replace(",", "."))
        except ledger.LedgerError as error:
            raise RowRefused("quantity", refusal(error).messages[0]) from error
        return {"member": member, "material": material, "quantity": quantity}

    def identity(self, values):
        return ("material", values["member"].pk, values["material"].pk)

    def apply(self, values, *, key, user):
        services.material_move(
            member=values["member"],
            material=values["material"],
            kind=MaterialMovement.Kind.OPENING,
            quantity=values["quantity"],
            idempotency_key=key,
            user=user,
            source="import",
        )


IMPORTERS = {cls.kind: cls for cls in (MemberImporter, StockImporter, MaterialImporter)}


def _reader(content: str) -> csv.DictReader:
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # spreadsheets in Indonesia often use ;
    return csv.DictReader(io.StringIO(content), delimiter=delimiter)


def _header_errors(importer: Importer, columns: list[str]) -> list[RowError]:
    errors = []
    try:
        refuse_member_price(columns)
    except ValidationError as refused:
        errors += [RowError(1, column, " ".join(messages)) for column, messages in refused.message_dict.items()]
    priced = {e.column for e in errors}
    for column in columns:
        if column not in priced and column not in importer.required + importer.optional:
            errors.append(
                RowError(
                    1,
                    column,
                    _("Unknown column. Columns: %(columns)s.")
                    % {"columns": ", ".join(importer.required + importer.optional)},
                )
            )
    for column in importer.required:
        if column not in columns:
            errors.append(RowError(1, column, _("This column is missing.")))
    return errors


def run_import(kind: str, content: str, *, dry_run: bool, user=None) -> ImportResult:
    importer = IMPORTERS[kind]()
    reader = _reader(content)
    try:
        columns = [(c or "").strip().lower() for c in (reader.fieldnames or [])]
        raws = list(itertools.islice(reader, MAX_ROWS + 1))
    except csv.Error:  # e.g. a cell longer than the csv module reads
        result = ImportResult(kind=kind, dry_run=dry_run)
        result.errors.append(RowError(1, "", _("The file is not a CSV file we can read.")))
        return result
    result = ImportResult(kind=kind, dry_run=dry_run, columns=columns)
    result.errors = _header_errors(importer, columns)
    if result.errors:
        return result
    parsed = []
    first_rows: dict = {}  # identity -> the row that had it first
    for line, raw in enumerate(raws, start=2):
        if line - 1 > MAX_ROWS:
            result.errors.append(RowError(line, "", _("At most %(max)s rows per file.") % {"max": MAX_ROWS}))
            break
        row = {(k or "").strip().lower(): v for k, v in raw.items()}
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank lines at the end of spreadsheets
        try:
            values = importer.parse(row)
        except RowRefused as refused:
            result.errors.append(RowError(line, refused.column, refused.message))
            continue
        identity = importer.identity(values)
        if identity is not None:
            if identity in first_rows:
                result.errors.append(
                    RowError(
                        line,
                        identity[0],
                        _("Row %(first)s already gives this member and item; each may appear once per file.")
                        % {"first": first_rows[identity]},
                    )
                )
                continue
            first_rows[identity] = line
        parsed.append((line, values))
        result.rows.append({"row": line, **{k: _show(v) for k, v in values.items()}})
    if not parsed and not result.errors:
        result.errors.append(RowError(2, "", _("The file has no rows.")))
    if result.errors:
        return result
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    with transaction.atomic():
        for line, values in parsed:
            try:
                importer.apply(values, key=f"import:{kind}:{digest}:{line}", user=user)
            except ValidationError as error:
                result.errors.append(RowError(line, "", " ".join(error.messages)))
        if result.errors or dry_run:
            transaction.set_rollback(True)  # all or nothing; a dry run leaves nothing behind
        else:
            result.applied = True
    return result


def _show(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Member):
        return value.code
    if hasattr(value, "get_title"):
        return value.get_title()
    return str(value)
