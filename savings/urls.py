from django.urls import path

from . import views

app_name = "savings"
urlpatterns = [
    path("", views.board, name="board"),
    path("buku/<slug:code>/", views.passbook, name="passbook"),
    path("buku/<slug:code>/pinjaman/", views.member_loans, name="member_loans"),
    path("setoran/", views.deposit, name="deposit"),
    path("penarikan/", views.withdraw, name="withdraw"),
    path("aturan/", views.rules_page, name="rules"),
    path("kelompok/", views.groups, name="groups"),
    path("pinjaman/", views.loans, name="loans"),
    path("pinjaman/<str:reference>/", views.loan_detail, name="loan"),
    path("rapat/", views.collection, name="collection"),
    path("shu/", views.shu, name="shu"),
]
