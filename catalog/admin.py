"""Read-only admin views of the agreement: changes go through the board's screens (/prices/), never the admin,
so every change keeps its proposal, votes and quorum."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import AgreedPrice, PriceBoardSettings, PriceProposal, ProposalVote


class VoteInline(admin.TabularInline):
    model = ProposalVote
    extra = 0
    can_delete = False
    readonly_fields = ["board_member", "decision", "reason", "decided_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PriceProposal)
class PriceProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "product",
        "min_quantity",
        "previous_amount",
        "amount",
        "effective_from",
        "status",
        "proposed_by",
        "proposed_at",
    ]
    list_filter = ["status", "source"]
    search_fields = ["product__upc", "product__title"]
    inlines = [VoteInline]


@admin.register(AgreedPrice)
class AgreedPriceAdmin(ReadOnlyAdmin):
    list_display = ["product", "min_quantity", "amount", "effective_from", "agreed_at", "cancelled_at"]
    search_fields = ["product__upc", "product__title"]


@admin.register(PriceBoardSettings)
class PriceBoardSettingsAdmin(ReadOnlyAdmin):
    list_display = ["quorum", "change_threshold_percent", "updated_by", "updated_at"]
