from django.urls import path

from . import views, views_board

app_name = "inventory"
urlpatterns = [
    path("", views.workspace_home, name="home"),
    path("board/pick/", views_board.pick, name="pick"),
    path("board/import/", views_board.import_csv, name="import"),
    path("board/check/", views_board.ledger_check, name="check"),
    path("<slug:code>/", views.member_home, name="member"),
    path("<slug:code>/stock/", views.stock, name="stock"),
    path("<slug:code>/stock/<int:pk>/adjust/", views.stock_adjust, name="stock-adjust"),
    path("<slug:code>/materials/", views.materials, name="materials"),
    path("<slug:code>/materials/<slug:material_code>/", views.material_record, name="material-record"),
    path("<slug:code>/produce/", views.produce, name="produce"),
    path("<slug:code>/history/", views.history, name="history"),
    path("<slug:code>/capacity/", views.capacity, name="capacity"),
    path("<slug:code>/orders/own/", views.own_order_add, name="own-order-add"),
    path("<slug:code>/orders/own/<int:pk>/close/", views.own_order_close, name="own-order-close"),
    path("<slug:code>/work/", views.work, name="work"),
    path("<slug:code>/order-lines/", views.order_lines, name="order-lines"),
    path("<slug:code>/profile/", views.profile, name="profile"),
]
