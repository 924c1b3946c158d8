"""sitemap.xml (issue 15): the shop's products beside Wagtail's pages (site/guyub/urls.py).

One entry per product a buyer can open (parents and standalone products; a variant is picked on its parent's
page). URLs carry the root URL of the request's Wagtail site, as Wagtail's page entries do, so both halves agree.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from oscar.core.loading import get_model
from wagtail.models import Site

Product = get_model("catalogue", "Product")


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000  # Django pages the file past this (?p=2); the protocol allows 50,000

    def __init__(self, request=None):
        self.request = request

    def items(self):
        return (
            Product.objects.browsable()
            .filter(is_public=True)
            .only("pk", "slug", "date_updated", "structure")
            .order_by("pk")
        )

    def lastmod(self, product):
        return product.date_updated

    def _root(self):
        """Wagtail's site for this request (its root URL is where Wagtail's page entries point)."""
        site = Site.find_for_request(self.request) if self.request is not None else None
        site = site or Site.objects.filter(is_default_site=True).first()
        return urlsplit(site.root_url) if site else None

    def get_domain(self, site=None):
        root = self._root()
        if root is not None:
            return root.netloc
        return self.request.get_host() if self.request is not None else super().get_domain(site)

    def get_protocol(self, protocol=None):
        root = self._root()
        return root.scheme if root is not None else super().get_protocol(protocol)
