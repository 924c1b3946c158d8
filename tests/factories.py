"""factory_boy factories for the data most tests need: people, member workshops, their public profiles, stories.

New tests build what they assert on with these instead of searching the small demo cooperative the session
seeds (issue 14). Each factory makes a valid row the way the services and the admin would.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from inventory.models import Member

Partner = get_model("partner", "Partner")
ProductClass = get_model("catalogue", "ProductClass")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"person{n}@factory.guyub.example")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = ""


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"f{n:03d}")
    name = factory.Sequence(lambda n: f"Kulit Pabrik {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    """A member workshop in Keparakan Kidul; ``skills=[product_class, ...]`` says what it can make."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    code = factory.LazyAttribute(lambda m: m.partner.code)
    owner = factory.SubFactory(UserFactory)
    workers = 3
    address = "Jl. Sisingamangaraja, Keparakan, Mergangsan, Yogyakarta"
    latitude = Decimal("-7.812000")
    longitude = Decimal("110.372000")
    weekly_capacity = 10
    joined = datetime.date(2020, 1, 6)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.add(*extracted)


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kelas {n}")


def artisan_page(member, *, story: str = "", story_en: str = ""):
    """The member's public profile under the artisans' index (Wagtail pages are added to a parent, not created)."""
    from guyub.content.models import ArtisanIndexPage, ArtisanPage

    index = ArtisanIndexPage.objects.get()
    page = ArtisanPage(
        title=member.partner.name, slug=f"p-{member.code}", partner=member.partner, story=story, story_en=story_en
    )
    index.add_child(instance=page)
    return page


_story_numbers = itertools.count(1)


def story_page(*, title: str, date: datetime.date, summary: str = "", title_en: str = "", summary_en: str = ""):
    from guyub.content.models import StoryIndexPage, StoryPage

    index = StoryIndexPage.objects.get()
    page = StoryPage(
        title=title,
        title_en=title_en,
        slug=f"story-{next(_story_numbers)}",
        date=date,
        summary=summary,
        summary_en=summary_en,
    )
    index.add_child(instance=page)
    return page
