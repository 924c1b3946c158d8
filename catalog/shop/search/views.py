"""`/search/`: the shop's product search (replaces Oscar's haystack view; the app is forked in apps.py).

GET parameters: `q`, `sort` (relevance, price-asc, price-desc, newest, title), `page`, and the facets `category`
(pk), `price` (band code), `size`, `colour`, `availability` (in-stock, made-to-order), each repeatable.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy as _
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from catalog.shop.catalogue import listing
from common.language import reader_is_english

from . import engine, text

SORT_LABELS = {
    "relevance": _("Best match"),
    "price-asc": _("Price: low to high"),
    "price-desc": _("Price: high to low"),
    "newest": _("Newest"),
    "title": _("Name (A to Z)"),
}
FACET_LABELS = {
    "category": _("Category"),
    "price": _("Price"),
    "size": _("Size"),
    "colour": _("Colour"),
    "availability": _("Availability"),
}
MAX_QUERY_LENGTH = 200
MAX_FACET_VALUE_LENGTH = 100  # longer than any category pk, band, size or colour; longer values are dropped
Product = get_model("catalogue", "Product")


def _rupiah(amount) -> str:
    return f"Rp {int(amount):,}".replace(",", ".")  # as the shop writes prices in both languages: Rp 100.000


def price_band_label(code: str) -> str:
    for band, low, below in engine.PRICE_BANDS:
        if band == code:
            if low is None:
                return gettext("Under %(amount)s") % {"amount": _rupiah(below)}
            if below is None:
                return gettext("%(amount)s and over") % {"amount": _rupiah(low)}
            return gettext("%(low)s to %(high)s") % {"low": _rupiah(low), "high": _rupiah(below)}
    return code


class ProductSearchView(TemplateView):
    template_name = "oscar/search/results.html"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        query = (params.get("q") or "").strip()[:MAX_QUERY_LENGTH]
        sort = params.get("sort") if params.get("sort") in engine.SORTS else "relevance"
        selected = {
            name: [v for v in params.getlist(name) if v and len(v) <= MAX_FACET_VALUE_LENGTH][:20]
            for name in engine.FACETS
        }
        outcome = engine.search(query, selected=selected, sort=sort, now=getattr(self.request.strategy, "now", None))

        paginator = Paginator(outcome.pks, self.paginate_by)
        try:
            page = paginator.page(params.get("page") or 1)
        except InvalidPage as error:
            if outcome.pks:
                raise Http404(str(error)) from error
            page = paginator.page(1)  # no hits: an empty first page, whatever was asked
        products = self._products(list(page.object_list))
        context.update(
            {
                "query": query,
                "outcome": outcome,
                "paginator": paginator,
                "page_obj": page,
                "products": products,
                "sort": sort,
                "sort_options": [(value, label, value == sort) for value, label in SORT_LABELS.items()],
                "facets": self._facets(outcome, selected),
                "chosen": self._chosen(outcome, selected),
                "hidden_filters": [(name, v) for name in engine.FACETS for v in selected[name]],
                "page_query": self._querystring(drop=("page",)),
            }
        )
        if outcome.suggestion:
            context["suggestion_url"] = self._querystring(replace={"q": outcome.suggestion}, drop=("page",))
        return context

    def _products(self, pks: list[int]) -> list:
        """The page's products through the storefront's listing and price priming (fixed queries)."""
        if not pks:
            return []
        by_pk = {p.pk: p for p in listing.listing(Product.objects.filter(pk__in=pks))}
        return listing.prime(self.request, [by_pk[pk] for pk in pks if pk in by_pk])

    # --- facets and links ---------------------------------------------------------------------------------
    def _querystring(self, *, toggle=None, replace=None, drop=()) -> str:
        params = self.request.GET.copy()
        for name in drop:
            params.pop(name, None)
        for name, value in (replace or {}).items():
            params[name] = value
        if toggle:
            name, value = toggle
            values = params.getlist(name)
            params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
            params.pop("page", None)
        return params.urlencode()

    def _label(self, outcome, name: str, value: str) -> str:
        english = reader_is_english()
        if name == "category":
            # ASCII digits only: str.isdigit() also admits "²", which int() refuses.
            names = outcome.category_names.get(int(value)) if value.isascii() and value.isdigit() else None
            if names is None:
                return value
            return names[1] if english and names[1] else names[0]
        if name == "price":
            return price_band_label(value)
        if name == "colour":
            return text.colour_in_english(value) if english else value
        if name == "availability":
            return gettext("In stock") if value == engine.IN_STOCK else gettext("Made to order")
        return value

    def _facets(self, outcome, selected) -> list[dict]:
        facets = []
        for name in engine.FACETS:
            counts = outcome.counts.get(name) or {}
            values = set(counts) | set(selected[name])
            options = [
                {
                    "value": value,
                    "label": self._label(outcome, name, value),
                    "count": counts.get(value, 0),
                    "selected": value in selected[name],
                    "url": "?" + self._querystring(toggle=(name, value)),
                }
                for value in values
            ]
            options.sort(key=lambda o: self._option_order(name, o))
            if options:
                facets.append({"name": name, "label": FACET_LABELS[name], "options": options})
        return facets

    @staticmethod
    def _option_order(name: str, option: dict):
        if name == "price":
            return (
                [band for band, _low, _below in engine.PRICE_BANDS].index(option["value"])
                if option["value"] in [b for b, _l, _h in engine.PRICE_BANDS]
                else 99
            )
        if name == "size":
            digits = "".join(ch for ch in option["value"] if ch in "0123456789")
            return (int(digits) if digits else 9999, option["value"])
        if name == "availability":
            return 0 if option["value"] == engine.IN_STOCK else 1
        return (-option["count"], option["label"].casefold())

    def _chosen(self, outcome, selected) -> list[dict]:
        return [
            {
                "label": self._label(outcome, name, value),
                "facet": FACET_LABELS[name],
                "url": "?" + self._querystring(toggle=(name, value)),
            }
            for name in engine.FACETS
            for value in selected[name]
        ]
