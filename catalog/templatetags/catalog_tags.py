"""`{% load catalog_tags %}`: who may see the board's price screens, for links in shared templates (e.g. the nav)."""

from django import template

from catalog.access import can_govern_prices, can_read_prices

register = template.Library()


@register.filter
def reads_prices(user) -> bool:
    """Board, staff and members' artisans: they may open /prices/."""
    return bool(user) and can_read_prices(user)


@register.filter
def governs_prices(user) -> bool:
    """The board: proposes and approves prices."""
    return bool(user) and can_govern_prices(user)
