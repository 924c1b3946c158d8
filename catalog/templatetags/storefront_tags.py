"""Storefront template helpers for speed (issue 16): listing reads and the category tree's cache version."""

import json

from django import template
from django.utils.safestring import mark_safe

from catalog.shop.catalogue import listing, tree_cache
from catalog.vocabulary import in_reader_language

register = template.Library()


@register.simple_tag(takes_context=True)
def listing_prepare(context, products):
    """Products loaded elsewhere (Oscar's recently viewed list), prefetched and priced like a listing page."""
    return listing.prepare(context.get("request"), products)


@register.simple_tag
def category_tree_version():
    """Part of the category tree fragment's cache key: changes whenever a category changes."""
    return tree_cache.version()


@register.simple_tag
def category_tree_seconds():
    return tree_cache.FRAGMENT_SECONDS


def _records(product) -> list:
    """The product's stockrecords and its public variants', as ``listing.prime`` prefetched them (no query)."""
    products = [product] + (list(product.get_public_children()) if product.is_parent else [])
    return [r for p in products for r in _own_records(p)]


def _own_records(product):
    records = listing.prefetched(product, "stockrecords")
    return records if records is not None else product.stockrecords.all()


@register.filter
def maker_count(product) -> int:
    """How many member workshops hold this product (or one of its variants): the tile's "made by N workshops"."""
    return len({r.partner_id for r in _records(product)})


@register.filter
def ready_to_ship(product) -> bool:
    """Whether some unit of the product (any variant) is in a member's stock, free to ship."""
    return any((r.net_stock_level or 0) > 0 for r in _records(product))


@register.filter
def reader_word(word):
    """A product type, attribute name or colour stored in Indonesian, in the reader's language."""
    return in_reader_language(word)


@register.simple_tag(takes_context=True)
def product_json_ld(context, product, variants):
    """schema.org Product with one Offer per variant, in IDR (issue 15), as safe JSON for a script element."""
    request = context.get("request")
    url = request.build_absolute_uri(product.get_absolute_url()) if request else product.get_absolute_url()
    image = product.primary_image()
    original = getattr(image, "original", None)
    offers = []
    for v in variants or []:
        if not v["price"]:
            continue
        offers.append(
            {
                "@type": "Offer",
                "sku": str(v["pk"]),
                "name": v["label"],
                "price": v["amount"],
                "priceCurrency": "IDR",
                "availability": "https://schema.org/InStock" if v["in_stock"] else "https://schema.org/PreOrder",
                "url": f"{url}?variant={v['pk']}",
            }
        )
    if not variants and request is not None:
        info = request.strategy.fetch_for_product(product)
        if info.price.exists:
            offers.append(
                {
                    "@type": "Offer",
                    "price": str(int(info.price.incl_tax)),
                    "priceCurrency": "IDR",
                    "availability": "https://schema.org/InStock"
                    if info.availability.code == "instock"
                    else "https://schema.org/PreOrder",
                    "url": url,
                }
            )
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.get_title(),
        "description": product.localised_description,
        "sku": product.upc or str(product.pk),
        "brand": {"@type": "Brand", "name": "Guyub"},
        "url": url,
        "offers": offers,
    }
    if original is not None and request is not None:
        data["image"] = request.build_absolute_uri(original.url)
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)
