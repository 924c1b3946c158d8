"""The one access decorator every view uses (the workspace, the pool, the routing board, loans, prices).

`access(allow, context=...)`: anonymous users go to the login page; a signed-in user whom `allow` refuses gets
403. `context`, when given, turns the request (and the URL arguments it names in `takes`) into what the view gets
as its second argument (a workspace, the user's workshops); it may itself raise 403 or 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import is_board, is_board_or_staff


def access(
    allow: Callable[[object], bool] | None = None, *, context: Callable | None = None, takes: tuple[str, ...] = ()
):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if allow is not None and not allow(request.user):
                raise PermissionDenied
            if context is None:
                return view(request, *args, **kwargs)
            # URL arguments the context consumes: by name from the URLconf, or positionally from a direct call.
            taken = {}
            for name in takes:
                if name in kwargs:
                    taken[name] = kwargs.pop(name)
                else:
                    taken[name], args = args[0], args[1:]
            return view(request, context(request, **taken), *args, **kwargs)

        return wrapped

    return decorator


board_view = access(is_board)
board_or_staff_view = access(is_board_or_staff)  # staff read the board's pages; changes stay with the board
