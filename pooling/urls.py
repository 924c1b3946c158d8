from django.urls import path

from . import views, views_board

app_name = "pooling"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views_board.board, name="board"),
    path("board/settings/", views_board.board_settings, name="board-settings"),
    path("board/fairness/", views_board.fairness_report, name="fairness"),
    path("work-orders/<int:pk>/", views.work_order, name="work-order"),
    path("work-orders/<int:pk>/<slug:action>/", views.work_order_action, name="work-order-action"),
    path("overflow/<int:pk>/", views.overflow, name="overflow"),
    path("w/<slug:code>/", views.work, name="work"),
    path("w/<slug:code>/overflow/", views.overflow_list, name="overflow-list"),
]
