"""The home page tells the cooperative's story with its makers (issue 15): figures, how members work together,
a different set of makers each week, the latest stories; in the reader's language; cached, so a warm home page
stays within its query ceiling (tests/catalog/test_page_queries.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db.models import Min, Sum

from guyub.content.models import ArtisanPage, makers_of_the_week
from inventory.models import Member
from tests.factories import MemberFactory, ProductClassFactory, artisan_page, story_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def home(client, language="id"):
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_the_cooperatives_figures(client):
    MemberFactory(workers=19, joined=datetime.date(2012, 3, 1))
    MemberFactory(workers=5, status=Member.Status.SUSPENDED, joined=datetime.date(2001, 1, 1))
    active = Member.objects.filter(status=Member.Status.ACTIVE)
    figures = active.aggregate(workers=Sum("workers"), since=Min("joined"))

    page = home(client, "en")

    assert f"<strong>{active.count()}</strong> member workshops" in page
    assert f"<strong>{figures['workers']}</strong> craftspeople" in page
    assert f"Selling together since <strong>{figures['since'].year}</strong>" in page
    assert "<strong>2001</strong>" not in page  # the suspended member's year does not count


def test_home_introduces_makers_with_their_story_and_a_link(client):
    sandal = ProductClassFactory(name="Sandal")
    member = MemberFactory(workers=1, skills=[sandal])
    page = artisan_page(
        member, story="Bu Sri menjahit selop sejak 1998.", story_en="Mrs Sri has sewn slides since 1998."
    )
    ArtisanPage.objects.exclude(pk=page.pk).unpublish()  # only this maker can be this week's

    indonesian = home(client, "id")
    cache.clear()
    english = home(client, "en")

    assert "Bu Sri menjahit selop sejak 1998." in indonesian
    assert page.url in indonesian
    assert "Mrs Sri has sewn slides since 1998." in english
    assert "Meet our makers" in english and "1 worker" in english and "Makes: Sandal" in english


def test_a_suspended_members_profile_is_not_featured():
    member = MemberFactory(status=Member.Status.SUSPENDED)
    page = artisan_page(member)
    for week in range(1, 54):
        assert page.pk not in {p.pk for p in makers_of_the_week(4, today=datetime.date.fromisocalendar(2026, week, 1))}


def test_makers_change_from_week_to_week_and_each_week_has_four_different():
    for _ in range(5):
        artisan_page(MemberFactory())
    week_1 = makers_of_the_week(4, today=datetime.date(2026, 1, 5))
    week_2 = makers_of_the_week(4, today=datetime.date(2026, 1, 12))
    assert len(week_1) == len({p.pk for p in week_1}) == 4
    assert {p.pk for p in week_1} != {p.pk for p in week_2}


def test_latest_stories_come_first_in_the_readers_language(client):
    story_page(title="Pameran lama", title_en="An old fair", date=datetime.date(2000, 1, 1))
    story_page(title="Pesanan ekspor", title_en="An export order", date=datetime.date(2100, 1, 1))

    stories = home(client, "en").split("From the workshops", 1)[1]

    assert stories.index("An export order") < stories.index("</article>")  # the newest is the first card
    assert "An old fair" not in stories  # only the latest three
    assert "Pesanan ekspor" not in stories
