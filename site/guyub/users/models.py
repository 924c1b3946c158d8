"""The user: signs in with an email address (Oscar's abstract user has no username)."""

from oscar.apps.customer.abstract_models import AbstractUser


class User(AbstractUser):
    """Buyer, artisan, board member or staff; roles come from groups and the member link (inventory)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
