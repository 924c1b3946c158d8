"""Oscar's catalogue, forked to carry English texts beside the Indonesian ones (Indonesian is primary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct
from wagtail.search import index

from common.language import reader_is_english


class Product(index.Indexed, AbstractProduct):
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
        from catalog.shop.search.documents import indexed_products

        return indexed_products(cls)

    def get_indexed_instance(self):
        from catalog.shop.search.documents import indexed_instance

        return indexed_instance(self)

    def search_words(self) -> str:
        return self._search_document().words

    def search_codes(self) -> str:
        return self._search_document().codes

    def search_stems(self) -> str:
        return self._search_document().stems

    def _search_document(self):
        from catalog.shop.search.documents import document_for

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

    def __str__(self):
        # Oscar's basket and checkout lines describe a product by str(product): speak the buyer's language too.
        return self._english_title() or super().__str__()

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
