"""The start every PDF of the cooperative shares (fpdf2, pure Python): an A4 document with its title, author and
date, breaking pages 15 mm from the bottom, one page begun.

The built-in Helvetica covers Latin-1, enough for Indonesian and English; any other character (a name in another
script) is written as "?" rather than failing the download."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF


def latin1(text) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(title))
    pdf.set_author("Koperasi Guyub")
    pdf.set_creation_date(timezone.now())
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf
