"""Who may do what with the agreed prices.

The board proposes and approves; members' artisans and the shop staff read the price list and its history
(a member must know the price it sells at); buyers only ever see the price in force, in the shop.
"""

from common.roles import is_board, is_staff
from inventory.access import workshops_of


def can_govern_prices(user) -> bool:
    return is_board(user)


def can_read_prices(user) -> bool:
    if not user.is_authenticated:
        return False
    return is_staff(user) or is_board(user) or workshops_of(user).exists()
