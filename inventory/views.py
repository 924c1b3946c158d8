"""The artisan's workspace (phone-first). Every view checks that the user acts for the workshop it shows."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .roles import is_board, workshops_of


@login_required
def workspace_home(request):
    workshop = workshops_of(request.user).select_related("partner").first()
    return render(
        request,
        "inventory/home.html",
        {"workshop": workshop, "is_board": is_board(request.user)},
        status=200 if workshop or is_board(request.user) else 403,
    )
