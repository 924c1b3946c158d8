"""A member's monthly statement as a PDF (fpdf2, pure Python): the same numbers as the statement page — opening
balance, each entry, closing balance and turnover — in the active language, amounts as Indonesians write them.

The built-in Helvetica covers Latin-1, enough for Indonesian and English; any other character in a member's name
or a reference is written as "?" rather than failing the download."""

from __future__ import annotations

from django.utils.translation import gettext

from common.pdf import latin1, new_pdf

from . import ledger
from .selectors import Statement
from .templatetags.books_tags import kind_label


def statement_pdf(statement: Statement) -> bytes:
    """The statement as PDF bytes (starting %PDF), worded in the current language."""
    month = ledger.month_label(statement.month)
    pdf = new_pdf(gettext("Statement for %(month)s") % {"month": month})
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(width, 8, "Koperasi Guyub", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    member = statement.member
    pdf.cell(width, 6, latin1(f"{member.code} - {member.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(width, 9, latin1(gettext("Statement for %(month)s") % {"month": month}), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    status = (
        gettext("This month is closed: the statement is final.")
        if statement.closed
        else gettext("This month is still open: entries may still be added.")
    )
    pdf.multi_cell(width, 5, latin1(status), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font("Helvetica", "", 10)
    for label, amount in (
        (gettext("Opening balance"), statement.opening),
        (gettext("Closing balance"), statement.closing),
        (gettext("Turnover this month"), statement.turnover),
    ):
        pdf.cell(width * 0.5, 6, latin1(label))
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(width * 0.5, 6, ledger.format_rupiah(amount), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
    pdf.ln(3)

    columns = (0.16, 0.27, 0.35, 0.22)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_fill_color(235, 235, 235)
    for share, label, align in zip(
        columns,
        (gettext("Date"), gettext("Kind"), gettext("Reference"), gettext("Amount")),
        ("L", "L", "L", "R"),
        strict=True,
    ):
        pdf.cell(width * share, 7, latin1(label), border="B", align=align, fill=True)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    if not statement.entries:
        pdf.cell(width, 6, latin1(gettext("No entries this month.")), new_x="LMARGIN", new_y="NEXT")
    for entry in statement.entries:
        reference = latin1(entry.reference)
        while pdf.get_string_width(reference) > width * columns[2] - 2 and len(reference) > 3:
            reference = reference[:-2] + "."
        pdf.cell(width * columns[0], 6, f"{entry.date:%d.%m.%Y}")
        pdf.cell(width * columns[1], 6, latin1(kind_label(entry.kind)))
        pdf.cell(width * columns[2], 6, reference)
        pdf.cell(width * columns[3], 6, ledger.format_rupiah(entry.amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(
        width,
        4,
        latin1(
            gettext(
                "Positive amounts: the cooperative owes you more. Turnover is your sales and paid work less refunds, "
                "for the 0.5%% final income tax."
            ).replace("%%", "%")  # the page's msgid (python-format, so its percent sign is doubled)
        ),
    )
    return bytes(pdf.output())
