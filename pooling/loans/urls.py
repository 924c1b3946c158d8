from django.urls import path

from . import views

app_name = "loans"
urlpatterns = [
    path("", views.book, name="book"),
    path("new/", views.request_loan, name="request"),
    path("board/", views.board, name="board"),
    path("board/settings/", views.board_settings, name="board-settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
