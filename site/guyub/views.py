"""Project-wide views: health check and the friendly error pages in the site's design."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template import loader


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception=None):
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request):
    # No request context: the failure may have come from a context processor or the database.
    return HttpResponse(loader.render_to_string("500.html", {}), status=500)
