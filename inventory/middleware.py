"""Members never use Oscar's dashboard.

Oscar shows a partner user a whole order when any one line is theirs (queryset_orders_for_user), so an
artisan would see other members' lines and the buyer's details. Artisans get their own lines in the
workspace instead; the dashboard is for staff (the board are staff too).
"""

from django.core.exceptions import PermissionDenied
from django.utils.deprecation import MiddlewareMixin


class StaffOnlyDashboard(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match and match.namespaces[:1] == ["dashboard"] and user is not None and user.is_authenticated:
            if not user.is_staff:
                raise PermissionDenied  # anonymous users still go to Oscar's login redirect
        return None
