"""Who is who: the board (pengurus), shop staff, artisans (users acting for a member workshop), buyers.

Which workshops a user acts for is the inventory's question (`inventory.access.workshops_of`): it needs the
Member model, which this base layer must not import.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

BOARD_GROUP = "Pengurus"
TREASURER_GROUP = "Bendahara"  # a board role: records deposits and repayments, approves withdrawals
SHOP_STAFF_GROUP = "Staf toko"
# Approved trade accounts (issue 20, trade/): they see the board's trader tiers and minimum quantities.
TRADE_BUYER_GROUP = "Pembeli dagang"

# Oscar 4's dashboard checks model permissions, not just is_staff. Shop staff (and the board) read everything
# the shop keeps and run orders and the catalogue; nobody here may delete, and prices and stock are not theirs
# to type in (the dashboard's stockrecord form shows them read-only; agreed prices are the board's screens).
SHOP_STAFF_VIEW_APPS = (
    "order",
    "catalogue",
    "partner",
    "offer",
    "voucher",
    "reviews",
    "communication",
    "payment",
    "shipping",
    "address",
    "inventory",
    "pooling",
    "loans",
)
SHOP_STAFF_CHANGES = {
    "order": (
        "change_order",
        "change_line",
        "add_ordernote",
        "change_ordernote",
        "add_shippingevent",
        "add_paymentevent",
        "add_communicationevent",
    ),
    "catalogue": (
        "add_product",
        "change_product",
        "add_productimage",
        "change_productimage",
        "add_category",
        "change_category",
        "add_productattributevalue",
        "change_productattributevalue",
        "add_productrecommendation",
        "change_productrecommendation",
    ),
    "partner": ("add_stockrecord", "change_stockrecord", "change_partner"),
    "reviews": ("change_productreview",),
    "communication": ("change_communicationeventtype",),
    # The shipping rate table (zones, courier services, weight bands; catalog/shop/shipping), no deletes.
    "shipping": (
        "add_shippingzone",
        "change_shippingzone",
        "add_courierservice",
        "change_courierservice",
        "add_ratecard",
        "change_ratecard",
        "add_rateband",
        "change_rateband",
    ),
}


def is_board(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=BOARD_GROUP).exists()


def is_treasurer(user) -> bool:
    """The treasurer (bendahara) is a board member who is also in the treasurer group."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    names = set(user.groups.filter(name__in=(BOARD_GROUP, TREASURER_GROUP)).values_list("name", flat=True))
    return names == {BOARD_GROUP, TREASURER_GROUP}


def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def is_board_or_staff(user) -> bool:
    return is_staff(user) or is_board(user)


def is_trade_buyer(user) -> bool:
    """An approved trade account (staff approve it in trade/; approval puts the user in the group)."""
    if user is None or not user.is_authenticated:
        return False
    return user.groups.filter(name=TRADE_BUYER_GROUP).exists()


def trade_buyer_group() -> Group:
    group, _ = Group.objects.get_or_create(name=TRADE_BUYER_GROUP)
    return group


def board_group() -> Group:
    group, _ = Group.objects.get_or_create(name=BOARD_GROUP)
    return group


def treasurer_group() -> Group:
    group, _ = Group.objects.get_or_create(name=TREASURER_GROUP)
    return group


def shop_staff_group():
    """The "Staf toko" group with the dashboard permissions above (set again on every call: idempotent)."""
    group, _ = Group.objects.get_or_create(name=SHOP_STAFF_GROUP)
    wanted = Q(content_type__app_label__in=SHOP_STAFF_VIEW_APPS, codename__startswith="view_")
    for app_label, codenames in SHOP_STAFF_CHANGES.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    return group
