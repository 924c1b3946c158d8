"""Issue 13 item 14: the board's ledger check page counts the accounts that differ (it always said 0)."""

from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")


def _page(client):
    client.cookies["django_language"] = "en"
    response = client.get("/workspace/board/check/")
    assert response.status_code == 200
    return response.content.decode()


def test_page_counts_one_stockrecord_changed_outside_the_ledger(member_a, variant_of, client_as):
    _, record = variant_of(member_a)
    # A queryset update bypasses the services and their movements, as a back door would.
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=(record.num_in_stock or 0) + 5)
    page = _page(client_as("board"))
    assert "1 account differs from the sum of its movements." in page
    assert "0 accounts differ" not in page


def test_page_counts_two_stockrecords(member_a, member_b, variant_of, client_as):
    for member in (member_a, member_b):
        _, record = variant_of(member)
        StockRecord.objects.filter(pk=record.pk).update(num_allocated=(record.num_allocated or 0) + 1)
    assert "2 accounts differ from the sum of their movements." in _page(client_as("board"))
