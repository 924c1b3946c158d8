"""Oscar's catalogue, forked to carry English texts beside the Indonesian ones (Indonesian is primary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct, AbstractProductClass
from wagtail.search import index

from catalog.shop.search.documents import document_for, indexed_instance, indexed_products
from common.language import reader_is_english


class PackedSize(models.Model):
    """What a courier weighs and measures: the packed weight in grams, and optional packed dimensions (cm)."""

    weight_grams = models.PositiveIntegerField(
        _("Packed weight (g)"), null=True, blank=True, help_text=_("Weight of the packed item, in grams.")
    )
    length_cm = models.PositiveSmallIntegerField(_("Packed length (cm)"), null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(_("Packed width (cm)"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("Packed height (cm)"), null=True, blank=True)

    class Meta:
        abstract = True

    def packed_size(self):
        """(weight, length, width, height), None where unknown."""
        return (self.weight_grams, self.length_cm, self.width_cm, self.height_cm)


class ProductClass(AbstractProductClass, PackedSize):  # noqa: DJ008  (Oscar's __str__)
    """A product class carries the default packed size of its products (a variant may set its own)."""


class Product(index.Indexed, AbstractProduct, PackedSize):
    title_en = models.CharField(_("Title (English)"), max_length=255, blank=True)
    description_en = models.TextField(_("Description (English)"), blank=True)

    # Wagtail's search framework (catalog/shop/search): one document per product a buyer can find, a parent
    # or a standalone product; its variants' colours, sizes and SKUs and its categories (both languages) are
    # folded into it, with their stems. Variants have no document of their own (get_indexed_instance).
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("title_en", boost=3),
        index.SearchField("search_words", boost=2),
        index.SearchField("search_codes"),
        index.SearchField("search_stems"),
        index.SearchField("description"),
        index.SearchField("description_en"),
        index.AutocompleteField("title"),
        index.AutocompleteField("title_en"),
        index.FilterField("is_public"),
        index.FilterField("structure"),
        index.FilterField("date_created"),
    ]

    @classmethod
    def get_indexed_objects(cls):
        return indexed_products(cls)

    def get_indexed_instance(self):
        return indexed_instance(self)

    def search_words(self) -> str:
        return self._search_document().words

    def search_codes(self) -> str:
        return self._search_document().codes

    def search_stems(self) -> str:
        return self._search_document().stems

    def _search_document(self):
        if getattr(self, "_search_doc", None) is None:
            self._search_doc = document_for(self)
        return self._search_doc

    def _english_title(self) -> str:
        """The English title for an English reader (a variant falls back to its parent's); else empty."""
        if not reader_is_english():
            return ""
        return self.title_en or (self.parent.title_en if self.is_child and self.parent_id else "")

    def get_title(self):
        # Oscar's templates call get_title(); answer in the buyer's language, falling back to Indonesian.
        return self._english_title() or super().get_title()

    get_title.short_description = _("Title")

    def __str__(self):  # noqa: DJ012  (beside get_title, which it mirrors)
        # Oscar's basket and checkout lines describe a product by str(product): speak the buyer's language too.
        return self._english_title() or super().__str__()

    def shipping_size(self):
        """The packed (weight g, length, width, height cm) a courier charges for: the variant's own values, else
        its parent's, else its product class's defaults; None where nobody set one."""
        sources = [self]
        if self.is_child and self.parent_id:
            sources.append(self.parent)
        product_class = self.get_product_class()
        if product_class is not None:
            sources.append(product_class)
        size = [None, None, None, None]
        for source in sources:
            size = [mine if mine is not None else theirs for mine, theirs in zip(size, source.packed_size())]
        return tuple(size)

    @property
    def localised_description(self) -> str:
        if reader_is_english() and self.description_en:
            return self.description_en
        if reader_is_english() and self.is_child and self.parent_id and self.parent.description_en:
            return self.parent.description_en
        return self.description or (self.parent.description if self.is_child and self.parent_id else "")


class Category(AbstractCategory):
    name_en = models.CharField(_("Name (English)"), max_length=255, blank=True)

    @property
    def localised_name(self) -> str:
        """The category's name in the reader's language (templates: breadcrumbs, the side tree, headings)."""
        if reader_is_english() and self.name_en:
            return self.name_en
        return self.name


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
