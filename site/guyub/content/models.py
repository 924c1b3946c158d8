"""Wagtail pages: the cooperative's home, its artisans (one profile per member workshop) and its stories.

Each text exists in Indonesian (the primary field) and English (the `_en` field); templates ask for
`page|localised:"intro"` and get the buyer's language, falling back to Indonesian.
"""

import datetime

from django.db import models
from django.db.models import Count, Min, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from catalog.shop.catalogue import listing
from common import language
from inventory.models import Member


class BilingualMixin:
    def localised(self, field: str) -> str:
        return language.localised(self, field)


def bilingual_panels(*fields: str) -> list:
    return [
        MultiFieldPanel([FieldPanel(f), FieldPanel(f"{f}_en")], heading=f.replace("_", " ").capitalize())
        for f in fields
    ]


def route_through(parent: Page, request, path_components: list[str], find):
    """Route on through the child page ``find(slug)`` returns (None: not found), telling it its parent so that
    neither is read again on the way."""
    slug, *rest = path_components
    child = find(slug)
    if child is None:
        raise Http404
    child._cached_parent_obj = parent
    return child.route(request, rest)


class IntroPage(BilingualMixin, Page):
    """A page with a bilingual title and intro."""

    title_en = models.CharField(_("Title (English)"), max_length=255, blank=True)
    intro = models.TextField(_("Intro"), blank=True)
    intro_en = models.TextField(_("Intro (English)"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("title_en")] + bilingual_panels("intro")

    class Meta:
        abstract = True


class TextPage(IntroPage):
    """A page with a bilingual title, intro and body."""

    body = RichTextField(_("Body"), blank=True)
    body_en = RichTextField(_("Body (English)"), blank=True)

    content_panels = IntroPage.content_panels + bilingual_panels("body")

    class Meta:
        abstract = True


class HomePage(TextPage):
    max_count = 1
    subpage_types = ["content.ArtisanIndexPage", "content.StoryIndexPage", "content.InfoPage"]
    featured_count = 8  # "New from our workshops"
    makers_count = 4  # "Meet our makers": a different four each week
    stories_count = 3
    story_cache_seconds = 600  # the home page's story block; a new maker or story shows within ten minutes

    def route(self, request, path_components):
        # Passing through a section (/pengrajin/m01/): its page is only asked to route further, so it is made
        # specific without reading its own table (Wagtail's route reads every page on the way twice).
        if len(path_components) > 1:
            return route_through(self, request, path_components, self._section)
        return super().route(request, path_components)

    def _section(self, slug: str):
        child = self.get_children().filter(slug=slug).first()
        return child.specific_deferred if child else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The catalogue's listing (prefetched variants, stockrecords, images) and its agreed prices in one query.
        newest = listing.listing().filter(is_public=True).order_by("-date_created", "pk")[: self.featured_count]
        context["featured_products"] = listing.prime(request, newest)
        context["artisan_index"] = ArtisanIndexPage.objects.live().first()
        context["story_index"] = StoryIndexPage.objects.live().first()
        # The cooperative's story with its makers (issue 15). Lazy: the template caches the block, so a warm
        # home page reads none of it.
        context["cooperative"] = SimpleLazyObject(cooperative_figures)
        context["makers"] = SimpleLazyObject(lambda: makers_of_the_week(self.makers_count))
        context["stories"] = StoryPage.objects.live().order_by("-date", "-pk")[: self.stories_count]
        context["home_seconds"] = self.story_cache_seconds
        return context


class SectionIndexPage(IntroPage):
    """The one page of a section under the home page that lists its children."""

    parent_page_types = ["content.HomePage"]
    max_count = 1

    class Meta:
        abstract = True


class ArtisanIndexPage(SectionIndexPage):
    subpage_types = ["content.ArtisanPage"]

    def route(self, request, path_components):
        if path_components:
            # A workshop's profile with its partner and member in one query (Wagtail's route takes two, and
            # the page would read the partner and the member one query each).
            return route_through(self, request, path_components, self._profile)
        return super().route(request, path_components)

    def _profile(self, slug: str):
        return ArtisanPage.objects.child_of(self).select_related("partner__member").filter(slug=slug).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["artisans"] = ArtisanPage.objects.live().child_of(self).select_related("partner").order_by("title")
        return context


class ArtisanPage(BilingualMixin, Page):
    """A member workshop's public profile, linked to its Oscar partner so it can list the member's products."""

    partner = models.OneToOneField(
        "partner.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="artisan_page"
    )
    title_en = models.CharField(_("Title (English)"), max_length=255, blank=True)
    story = models.TextField(_("Story"), blank=True)
    story_en = models.TextField(_("Story (English)"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("partner"), FieldPanel("title_en")] + bilingual_panels("story")
    parent_page_types = ["content.ArtisanIndexPage"]
    subpage_types: list = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["products"] = listing.prime(request, listing.listing(self.products()))
        context["member"] = getattr(self.partner, "member", None) if self.partner_id else None
        return context

    def products(self):
        Product = get_model("catalogue", "Product")
        if not self.partner_id:
            return Product.objects.none()
        # A member stocks variants (child products); the buyer browses their parents.
        child_parents = Product.objects.filter(children__stockrecords__partner_id=self.partner_id)
        return (
            Product.objects.browsable()
            .filter(models.Q(stockrecords__partner_id=self.partner_id) | models.Q(pk__in=child_parents))
            .distinct()
            .order_by("title")
        )


class StoryIndexPage(SectionIndexPage):
    subpage_types = ["content.StoryPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = StoryPage.objects.live().child_of(self).order_by("-date")
        return context


class StoryPage(BilingualMixin, Page):
    title_en = models.CharField(_("Title (English)"), max_length=255, blank=True)
    date = models.DateField(_("Date"))
    summary = models.TextField(_("Summary"), blank=True)
    summary_en = models.TextField(_("Summary (English)"), blank=True)
    body = RichTextField(_("Body"), blank=True)
    body_en = RichTextField(_("Body (English)"), blank=True)

    content_panels = (
        Page.content_panels + [FieldPanel("date"), FieldPanel("title_en")] + bilingual_panels("summary", "body")
    )
    parent_page_types = ["content.StoryIndexPage"]
    subpage_types: list = []


class InfoPage(TextPage):
    """A plain page the footer links to: about, contact, shipping, returns and exchanges, privacy (issue 15)."""

    parent_page_types = ["content.HomePage"]
    subpage_types: list = []


def cooperative_figures() -> dict:
    """The home page's figures: active member workshops, their workers, the kinds of goods, the first year."""
    active = Member.objects.filter(status=Member.Status.ACTIVE)
    figures = active.aggregate(workshops=Count("pk"), workers=Sum("workers"), since=Min("joined"))
    figures["kinds"] = active.values("skills").exclude(skills=None).distinct().count()
    since = figures["since"]
    figures["since"] = since.year if isinstance(since, datetime.date) else None
    return figures


def makers_of_the_week(count: int, *, today: datetime.date | None = None) -> list:
    """`count` member workshops to meet on the home page, a different set each ISO week, in a fixed order."""
    pages = list(
        ArtisanPage.objects.live()
        .filter(partner__member__status=Member.Status.ACTIVE)
        .select_related("partner__member")
        .prefetch_related("partner__member__skills")
        .order_by("pk")
    )
    if not pages:
        return []
    week = (today or timezone.localdate()).isocalendar().week
    start = (week * count) % len(pages)
    return (pages[start:] + pages[:start])[: min(count, len(pages))]
