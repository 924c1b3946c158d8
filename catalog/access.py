"""Who may do what with the agreed prices.

The board proposes and approves; members' artisans and the shop staff read the price list and its history
(a member must know the price it sells at); buyers only ever see the price in force, in the shop.
"""
from inventory.roles import is_board


def can_govern_prices(user) -> bool:
    return is_board(user)


def can_read_prices(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or is_board(user):
        return True
    from inventory.models import Member

    return Member.objects.for_user(user).exists()
