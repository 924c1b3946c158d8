"""The trade tests' makers, shared by the fixtures and the browser test's set-up script (which runs it in the
server's copy of the database): every active member of the seeded small cooperative makes sandals and belts."""

from __future__ import annotations

from oscar.core.loading import get_model


def sandal_and_belt_makers():
    """Every active member makes sandals and belts (sabuk), 40 a week with no class overrides: the members, a
    sandal variant and a belt variant."""
    from inventory.models import Member, MemberClassCapacity

    Product, ProductClass = get_model("catalogue", "Product"), get_model("catalogue", "ProductClass")
    sandal = ProductClass.objects.get(slug="sandal")
    # The small seeded cooperative may have no belt model: then the second product is another class's variant.
    with_variants = ProductClass.objects.filter(products__children__isnull=False).exclude(slug="sandal").distinct()
    belt = with_variants.filter(slug="sabuk").first() or with_variants.order_by("slug").first()
    members = list(Member.objects.active().order_by("code"))
    MemberClassCapacity.objects.filter(member__in=members).delete()
    for member in members:
        member.skills.add(sandal, belt)
        member.weekly_capacity = 40
        member.save(update_fields=["weekly_capacity"])
    sandal_variant = Product.objects.filter(parent__product_class=sandal).order_by("upc").first()
    belt_variant = Product.objects.filter(parent__product_class=belt).order_by("upc").first()
    return members, sandal_variant, belt_variant
