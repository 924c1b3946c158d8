"""The board's price screens, mounted at /prices/ (site/guyub/urls.py)."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.price_list, name="price_list"),
    path("export.csv", views.export_sheet, name="export"),
    path("import/", views.import_sheet, name="import"),
    path("rules/", views.price_rules, name="rules"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/approve/", views.approve, name="approve"),
    path("proposals/<int:pk>/reject/", views.reject, name="reject"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("products/<int:pk>/", views.price_history, name="history"),
]
