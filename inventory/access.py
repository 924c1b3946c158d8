"""Who may see and change which workshop. Every workspace view goes through `member_view`.

A user acting for the workshop (its owner or one of its users) sees and changes it; the board sees
every workshop read-only (and edits profiles); anyone else gets 403, and another workshop's artisan
gets 404, so guessing codes or ids in URLs reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from common.access import access
from common.roles import is_board

from .models import Member


def workshops_of(user):
    """The member workshops ``user`` acts for (owner or one of its users)."""
    return Member.objects.for_user(user)


@dataclass(frozen=True)
class Workspace:
    member: Member
    can_write: bool  # the user acts for this workshop
    board: bool  # the user is on the board (reads every workshop)


def workspace_for(user, code: str) -> Workspace:
    board = is_board(user)
    mine = workshops_of(user)
    member = Member.objects.select_related("partner").filter(code=code).first()
    if member is not None and mine.filter(pk=member.pk).exists():
        return Workspace(member, can_write=True, board=board)
    if board:
        if member is None:
            raise Http404
        return Workspace(member, can_write=False, board=True)
    if mine.exists():
        raise Http404  # another workshop's page: do not confirm that it exists
    raise PermissionDenied


def member_view(*, write: bool = False):
    """Resolve ``code`` from the URL into ``workspace``; ``write`` views need a user acting for it."""

    def workspace(request, code):
        ws = workspace_for(request.user, code)
        if write and not ws.can_write:
            raise PermissionDenied
        return ws

    return access(context=workspace, takes=("code",))
