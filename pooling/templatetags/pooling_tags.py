"""Template tags for pages other apps own: the product page's lead time, the buyer's order progress."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("pooling/partials/lead_time.html")
def pooling_lead_time(product):
    """{% load pooling_tags %}{% pooling_lead_time product %}: "Ready to ship" or
    "Made to order, ships in about N weeks"."""
    return {"lead": selectors.lead_time(product)}


@register.inclusion_tag("pooling/partials/order_progress.html")
def pooling_order_progress(order):
    """{% load pooling_tags %}{% pooling_order_progress order %}: per line in stock / being made / ready, no names."""
    return {"progress": selectors.order_progress(order)}


@register.filter
def promise(due_week):
    """{{ line.promised_week|promise }}: "Made to order, ships by 7 Dec 2026", the wording of the product page."""
    return selectors.promise_text(due_week) if due_week else ""


@register.simple_tag(takes_context=True)
def line_maker(context, line):
    """{% line_maker line as maker %}: the workshop the buyer asked for this basket line ("Order from this
    workshop"), or None. One query for the whole basket (the context's basket), none per line."""
    basket = context.get("basket") or getattr(line, "basket", None)
    return selectors.line_maker(basket, line)
