"""Member workshops, their finished stock, raw materials and weekly capacity (inventory issue #4)."""

from .base import AppendOnlyError
from .capacity import OwnOrder, WeeklyLoad
from .materials import BillLine, Material, MaterialBalance, MaterialMovement
from .members import MICRO_MAX_WORKERS, Member, MemberClassCapacity, MemberQuerySet
from .stock import Production, StockMovement

__all__ = [
    "AppendOnlyError",
    "BillLine",
    "Material",
    "MaterialBalance",
    "MaterialMovement",
    "MICRO_MAX_WORKERS",
    "Member",
    "MemberClassCapacity",
    "MemberQuerySet",
    "OwnOrder",
    "Production",
    "StockMovement",
    "WeeklyLoad",
]
