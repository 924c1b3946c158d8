"""Export documents: HS code and unit weight per product class (the customs headings of leather goods)."""

from decimal import Decimal

from django import template

register = template.Library()

# Product class slug → (HS code, kg per unit, packed). Leather footwear 6403, belts 4203.30, handbags 4202.21,
# wallets 4202.31; anything else falls back to "other articles of leather" 4205.
EXPORT = {
    "sandal": ("6403.99", Decimal("0.60")),
    "sepatu": ("6403.99", Decimal("1.10")),
    "sabuk": ("4203.30", Decimal("0.30")),
    "tas": ("4202.21", Decimal("0.90")),
    "dompet": ("4202.31", Decimal("0.15")),
}
OTHER = ("4205.00", Decimal("0.50"))


@register.filter
def export_info(product) -> dict:
    product_class = product.get_product_class()
    hs_code, kg = EXPORT.get(getattr(product_class, "slug", ""), OTHER)
    return {"hs_code": hs_code, "kg": kg}


@register.filter
def weight_times(kg, quantity) -> Decimal:
    return (Decimal(kg) * int(quantity)).quantize(Decimal("0.01"))


@register.filter
def kilograms(grams) -> Decimal:
    """Grams as kilograms with one decimal (a quote's packed weight)."""
    return (Decimal(int(grams or 0)) / 1000).quantize(Decimal("0.1"))
