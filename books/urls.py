from django.urls import path

from . import views

app_name = "books"
urlpatterns = [
    path("statement/<slug:code>/", views.statement, name="statement"),
    path("statement/<slug:code>/pdf/", views.statement_pdf, name="statement-pdf"),
    path("bank/<slug:code>/", views.bank_account, name="bank-account"),
    path("board/", views.board, name="board"),
    path("board/reports/", views.board_reports, name="board-reports"),
    path("board/close/", views.month_close, name="month-close"),
    path("board/fees/", views.fee_add, name="fee-add"),
    path("board/rules/", views.rules_update, name="rules"),
    path("board/bank/<int:pk>/", views.bank_decide, name="bank-decide"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/new/", views.payout_create, name="payout-create"),
    path("payouts/<int:pk>/", views.payout_detail, name="payout"),
    path("payouts/<int:pk>/approve/", views.payout_approve, name="payout-approve"),
    path("payouts/<int:pk>/transfers.csv", views.payout_export, name="payout-export"),
    path("payouts/<int:pk>/paid/", views.payout_paid, name="payout-paid"),
]
