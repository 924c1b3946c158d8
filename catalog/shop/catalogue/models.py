"""Oscar's catalogue, forked to carry English texts beside the Indonesian ones (Indonesian is primary)."""
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct


def _reading_english() -> bool:
    return (translation.get_language() or "id").startswith("en")


class Product(AbstractProduct):
    title_en = models.CharField(_("Title (English)"), max_length=255, blank=True)
    description_en = models.TextField(_("Description (English)"), blank=True)

    def _english_title(self) -> str:
        """The English title for an English reader (a variant falls back to its parent's); else empty."""
        if not _reading_english():
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
        if _reading_english() and self.description_en:
            return self.description_en
        if _reading_english() and self.is_child and self.parent_id and self.parent.description_en:
            return self.parent.description_en
        return self.description or (self.parent.description if self.is_child and self.parent_id else "")


class Category(AbstractCategory):
    name_en = models.CharField(_("Name (English)"), max_length=255, blank=True)

    @property
    def localised_name(self) -> str:
        """The category's name in the reader's language (templates: breadcrumbs, the side tree, headings)."""
        if _reading_english() and self.name_en:
            return self.name_en
        return self.name


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
