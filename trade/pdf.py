"""The trade documents as PDF (fpdf2, pure Python): the pro-forma invoice, the commercial invoice and the packing
list, with the same content as their printable pages (templates/trade/document.html), in the active language.

The built-in Helvetica covers Latin-1; any other character (a buyer's name in another script) is written as "?"
rather than failing the download."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from books.ledger import format_rupiah
from common.pdf import latin1 as _t, new_pdf

from .templatetags.trade_tags import export_info, weight_times

SELLER = "Koperasi Guyub, Kampung Keparakan Kidul, Yogyakarta, Indonesia"


def title(kind: str) -> str:
    return {
        "proforma": gettext("Pro-forma invoice"),
        "invoice": gettext("Commercial invoice"),
        "packing": gettext("Packing list"),
    }[kind]


def document_pdf(quote, kind: str, lines) -> bytes:
    """One document as PDF bytes (starting %PDF)."""
    account = quote.request.account
    pdf = new_pdf(f"{title(kind)} {quote.number}")
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(width, 9, _t(title(kind)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    buyer = f"{account.company}, {account.country}"
    if account.tax_number:
        buyer += f" ({gettext('Tax number')} {account.tax_number})"
    reference = quote.number + (f" - {gettext('Order')} {quote.order.number}" if quote.order_id else "")
    for label, value in (
        (gettext("Seller"), SELLER),
        (gettext("Buyer"), buyer),
        (gettext("Destination"), quote.request.destination),
        (gettext("Reference"), f"{reference} - {date_format(timezone.localdate(), 'j M Y')}"),
    ):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(30, 6, _t(f"{label}:"))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(width - 30, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    if kind == "packing":
        heads = [
            gettext("SKU"),
            gettext("Description"),
            gettext("HS code"),
            gettext("Quantity"),
            gettext("Weight per unit (kg)"),
            gettext("Gross weight (kg)"),
        ]
    else:
        heads = [
            gettext("SKU"),
            gettext("Description"),
            gettext("HS code"),
            gettext("Quantity"),
            gettext("Unit price"),
            gettext("Amount"),
        ]
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(
        col_widths=(24, 56, 20, 18, 30, 32), text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")
    ) as table:
        row = table.row()
        for head in heads:
            row.cell(_t(head))
        for line in lines:
            info = export_info(line.product)
            row = table.row()
            cells = [line.product.upc or "", line.product.get_title(), info["hs_code"], str(line.quantity)]
            if kind == "packing":
                cells += [str(info["kg"]), str(weight_times(info["kg"], line.quantity))]
            else:
                cells += [format_rupiah(line.unit_price), format_rupiah(line.total)]
            for cell in cells:
                row.cell(_t(cell))
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    if kind != "packing":
        for label, amount in (
            (gettext("Packing"), quote.packing),
            (gettext("Shipping estimate"), quote.shipping),
            (gettext("Total"), quote.total),
        ):
            pdf.cell(width * 0.6, 6, _t(label))
            pdf.cell(width * 0.4, 6, format_rupiah(amount), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if quote.deposit > 0:
            terms = gettext(
                "Payment: a deposit of %(pct)s%% (%(deposit)s) by bank transfer on acceptance; the balance of "
                "%(balance)s before shipping."
            ) % {
                "pct": quote.deposit_percent,
                "deposit": format_rupiah(quote.deposit),
                "balance": format_rupiah(quote.balance),
            }
        else:
            terms = gettext("Payment: no deposit; the whole total of %(total)s by bank transfer before shipping.") % {
                "total": format_rupiah(quote.total)
            }
        pdf.multi_cell(width, 5, _t(terms), new_x="LMARGIN", new_y="NEXT")
    else:
        total_kg = sum((weight_times(export_info(line.product)["kg"], line.quantity) for line in lines), 0)
        units = sum(line.quantity for line in lines)
        pdf.cell(
            width,
            6,
            _t(gettext("Total: %(units)s units, %(kg)s kg") % {"units": units, "kg": total_kg}),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
