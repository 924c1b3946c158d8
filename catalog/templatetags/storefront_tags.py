"""Storefront template helpers for speed (issue 16): listing reads and the category tree's cache version."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def listing_prepare(context, products):
    """Products loaded elsewhere (Oscar's recently viewed list), prefetched and priced like a listing page."""
    from catalog.shop.catalogue import listing

    return listing.prepare(context.get("request"), products)


@register.simple_tag
def category_tree_version():
    """Part of the category tree fragment's cache key: changes whenever a category changes."""
    from catalog.shop.catalogue import tree_cache

    return tree_cache.version()


@register.simple_tag
def category_tree_seconds():
    from catalog.shop.catalogue import tree_cache

    return tree_cache.FRAGMENT_SECONDS
