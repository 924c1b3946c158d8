"""Issue 15: the demo's pictures look like their product type, and every variant shows its own colour."""

import io

import pytest
from oscar.core.loading import get_model
from PIL import Image

from catalog.vocabulary import SWATCHES
from guyub.demo import drawings

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


def _median(image_bytes: bytes) -> tuple[float, float, float]:
    """The median colour of the pixels that are not the background (the drawn product, not its buckle)."""
    img = Image.open(io.BytesIO(image_bytes)).convert("RGB").resize((96, 96))
    drawn = [
        p for p in img.get_flattened_data() if sum(abs(a - b) for a, b in zip(p, drawings.BACKGROUND, strict=True)) > 40
    ]
    assert len(drawn) > 500, "something is drawn"
    return tuple(sorted(p[i] for p in drawn)[len(drawn) // 2] for i in range(3))


def _distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


def test_each_product_type_has_its_own_shape():
    masks = {}
    for kind in drawings.SHAPES:
        img = Image.open(io.BytesIO(drawings.draw(kind, (122, 74, 34)))).convert("L").resize((48, 48))
        masks[kind] = tuple(v < 200 for v in img.get_flattened_data())
    assert len(set(masks.values())) == len(drawings.SHAPES)


def test_every_seeded_variant_has_a_picture_in_its_own_colour():
    children = list(Product.objects.filter(structure="child", upc__startswith="GY-").prefetch_related("images"))
    assert children
    colours = {
        v.product_id: v.value_text
        for v in ProductAttributeValue.objects.filter(product__in=children, attribute__code="warna")
    }
    for child in children:
        images = list(child.images.all())
        assert len(images) == 1, child.upc  # its own, not the parent's
        with images[0].original.open("rb") as f:
            colour_drawn = _median(f.read())
        # The drawing's colour is nearest to its own colour's swatch of all the colours (a "Hitam" bag is black).
        nearest = min(SWATCHES, key=lambda name: _distance(colour_drawn, drawings.hex_to_rgb(SWATCHES[name])))
        assert nearest == colours[child.pk], (child.upc, colour_drawn, nearest)
