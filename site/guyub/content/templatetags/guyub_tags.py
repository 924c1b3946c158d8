"""Template helpers shared by Wagtail and Oscar templates."""
from django import template
from django.utils import translation

register = template.Library()


@register.filter
def localised(obj, field: str) -> str:
    """`page|localised:"intro"`: the English field when the buyer reads English and it is filled in."""
    if hasattr(obj, "localised"):
        return obj.localised(field)
    if (translation.get_language() or "id").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")
