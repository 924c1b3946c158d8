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

from . import listing

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


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
        return listing.listing(Product.objects.all()).select_related("parent")

    def get_context_data(self, **kwargs):
        listing.prime(self.request, [self.object])
        return super().get_context_data(**kwargs)
