"""Oscar's catalogue, forked to carry English texts beside the Indonesian ones (Indonesian is primary)."""
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct


class Product(AbstractProduct):
    title_en = models.CharField(_("Title (English)"), max_length=255, blank=True)
    description_en = models.TextField(_("Description (English)"), blank=True)

    def _english(self) -> bool:
        return (translation.get_language() or "id").startswith("en")

    def get_title(self):
        # Oscar's templates call get_title(); answer in the buyer's language, falling back to Indonesian.
        if self._english():
            title = self.title_en or (self.parent.title_en if self.is_child and self.parent_id else "")
            if title:
                return title
        return super().get_title()

    get_title.short_description = _("Title")

    def __str__(self):
        # Oscar's basket and checkout lines describe a product by str(product): speak the buyer's language too.
        if self._english() and (self.title_en or (self.is_child and self.parent_id and self.parent.title_en)):
            return self.get_title()
        return super().__str__()

    @property
    def localised_description(self) -> str:
        if self._english() and self.description_en:
            return self.description_en
        if self._english() and self.is_child and self.parent_id and self.parent.description_en:
            return self.parent.description_en
        return self.description or (self.parent.description if self.is_child and self.parent_id else "")


class Category(AbstractCategory):
    name_en = models.CharField(_("Name (English)"), max_length=255, blank=True)

    @property
    def localised_name(self) -> str:
        """The category's name in the reader's language (templates: breadcrumbs, the side tree, headings)."""
        if (translation.get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
