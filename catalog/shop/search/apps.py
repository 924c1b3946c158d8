import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    """Oscar's search app (label `search`, URL `search:search` at /search/), with the shop's own view.

    Oscar mounts the app's `get_urls()`; forking the app and setting `search_view` in `ready()` is Oscar's
    documented way to replace the view. The index is Wagtail's (Product in catalog/shop/catalogue/models.py).
    """

    name = "catalog.shop.search"

    def ready(self):
        # ready(), not the top: the view reads models, which load after apps.py (Oscar's documented way).
        from .documents import connect
        from .views import ProductSearchView

        self.search_view = ProductSearchView
        connect()
