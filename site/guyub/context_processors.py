"""Template context every page needs: the language choices and, lazily, the user's workshop."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from inventory.models import Member


def guyub(request):
    def workshop():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return Member.objects.for_user(user).select_related("partner").first()

    return {"guyub_languages": settings.LANGUAGES, "my_workshop": SimpleLazyObject(workshop)}
