"""Template helpers shared by Wagtail and Oscar templates."""

from django import template

from common import language

register = template.Library()


@register.filter
def localised(obj, field: str) -> str:
    """`page|localised:"intro"`: the English field when the buyer reads English and it is filled in."""
    if hasattr(obj, "localised"):
        return obj.localised(field)
    return language.localised(obj, field)
