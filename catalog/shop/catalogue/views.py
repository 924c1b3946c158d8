"""Catalogue browsing straight from the database.

Oscar 4 browses through haystack; its service-free simple backend returns nothing for an empty query, so
the catalogue and category pages would be empty. The cooperative's catalogue is small (hundreds of
products), so a database listing is both correct and fast; keyword search still goes through haystack.
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from catalog.vocabulary import SWATCHES, in_reader_language
from pooling import selectors as pooling_selectors
from pooling.receivers import SESSION_MAKER

from . import listing

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


class CatalogueView(ListView):
    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get_queryset(self):
        # The storefront's one listing (listing.py): variants, stockrecords and images prefetched.
        return listing.listing(Product.objects.browsable().filter(is_public=True)).order_by("-date_created", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = _("All products")
        # The page's agreed prices in one query, not one per product.
        context["products"] = listing.prime(self.request, context["products"])
        return context


class ProductCategoryView(CatalogueView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=self.kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected = self.category.get_absolute_url()
        if expected != request.path:
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(categories__in=self.category.get_descendants_and_self()).distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = self.category.localised_name
        return context


class ProductDetailView(OscarProductDetailView):
    """Oscar's product page, with the product's variants and their stockrecords read up front and priced in
    one query (the variant picker and the availability ask for every variant)."""

    def get_queryset(self):
        return listing.detail(Product.objects.all())

    def get_context_data(self, **kwargs):
        listing.prime(self.request, [self.object])
        context = super().get_context_data(**kwargs)
        context["variants"] = variant_choices(self.request, self.object)
        context["picker_product"] = self.object.parent if self.object.is_child else self.object
        chosen = next((v for v in context["variants"] if v["selected"] and v["image"]), None)
        image = self.object.primary_image()
        context["variant_image"] = chosen["image"] if chosen else getattr(getattr(image, "original", None), "url", "")
        # "Order from this workshop" (an artisan's page links here with ?maker=, kept in the session).
        context["chosen_maker"] = pooling_selectors.chosen_maker(
            basket=getattr(self.request, "basket", None),
            product=self.object,
            code=self.request.session.get(SESSION_MAKER) if hasattr(self.request, "session") else None,
        )
        return context


def variant_choices(request, product) -> list[dict]:
    """The variant picker's rows (issue 15): each public variant with its size, colour, price, availability and
    picture, in one query for the attribute values (the rest was prefetched and priced by ``listing``)."""
    parent = product.parent if product.is_child else product
    if not parent.is_parent:
        return []
    children = list(parent.get_public_children())
    attributes: dict = {c.pk: {} for c in children}
    for value in ProductAttributeValue.objects.filter(product__in=children).select_related("attribute"):
        attributes[value.product_id][value.attribute.code] = value.value_text or str(value.value or "")
    rows = []
    for child in children:
        info = request.strategy.fetch_for_product(child)
        size, colour = attributes[child.pk].get("ukuran", ""), attributes[child.pk].get("warna", "")
        image = child.primary_image()
        price = info.price.incl_tax if info.price.exists else None
        rows.append(
            {
                "pk": child.pk,
                "size": size,
                "colour": colour,
                "colour_label": in_reader_language(colour),
                "swatch": SWATCHES.get(colour, "#999"),
                "label": " · ".join(x for x in (size, in_reader_language(colour)) if x) or child.get_title(),
                "price": currency(price, info.price.currency) if price is not None else "",
                "amount": str(int(price)) if price is not None else "",
                "availability": info.availability.message,
                "buyable": info.availability.is_available_to_buy and price is not None,
                "in_stock": info.availability.code == "instock",
                "image": getattr(getattr(image, "original", None), "url", "") if image else "",
                "selected": child.pk == product.pk,
            }
        )
    if rows and not any(r["selected"] for r in rows):
        first = next((r for r in rows if r["buyable"]), rows[0])
        first["selected"] = True
    return rows
