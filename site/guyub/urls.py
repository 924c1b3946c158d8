"""URL map: Oscar's shop, the members' workspace, the board, Wagtail's pages (Wagtail last: it owns / and 404s)."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.static import serve as serve_media
from wagtail import urls as wagtail_urls, views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.documents import urls as wagtaildocs_urls

from catalog.shop.catalogue.sitemaps import ProductSitemap
from guyub import views
from guyub.order_line import OrderLineView


def oscar_urls():
    # Oscar's list starts with a redirect named "home"; Wagtail owns "/" instead (docs/integration.md).
    patterns = apps.get_app_config("oscar").urls[0]
    return [p for p in patterns if getattr(p, "name", None) != "home"]


def sitemap_xml(request):
    """/sitemap.xml (issue 15): Wagtail's pages (its sitemap framework) and the shop's products (Django's)."""
    return wagtail_sitemap(request, {"pages": PageSitemap, "products": ProductSitemap(request)})


urlpatterns = [
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("workspace/", include("inventory.urls")),
    path("pool/", include("pooling.urls")),
    path("loans/", include("pooling.loans.urls")),
    path("prices/", include("catalog.urls")),
    path("books/", include("books.urls")),
    path("shipping/", include("catalog.shop.shipping.urls")),  # waybills
    path("simpan/", include("savings.urls")),
    path("trade/", include("trade.urls")),
    path("healthz", views.healthz, name="healthz"),
    # Before Oscar's own (whose name still reverses to this URL): a 404 for another order's line, our template.
    path("accounts/orders/<str:order_number>/<int:line_id>/", login_required(OrderLineView.as_view())),
    path("", include(oscar_urls())),
]
if settings.GUYUB_SERVE_MEDIA:
    # Product images live under var/media; the demo serves them itself (no separate web server there).
    # Production does not: Django's static serve is not built for it, and the proxy serves the media volume.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})]
urlpatterns += [
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    path("", include(wagtail_urls)),
]

handler404 = "guyub.views.page_not_found"
handler500 = "guyub.views.server_error"
