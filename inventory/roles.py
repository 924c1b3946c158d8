"""Who is who: the board (pengurus), staff, artisans (users acting for a member workshop), buyers."""
from django.contrib.auth.models import Group

BOARD_GROUP = "Pengurus"


def is_board(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=BOARD_GROUP).exists()


def board_group() -> Group:
    group, _ = Group.objects.get_or_create(name=BOARD_GROUP)
    return group


def workshops_of(user):
    from .models import Member

    return Member.objects.for_user(user)
