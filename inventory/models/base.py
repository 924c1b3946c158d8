"""Ledger rows are facts: once written they are never edited or deleted; a correction is a new movement."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated; record a correcting movement.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated; record a correcting movement.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted; record a correcting movement.")


class AppendOnlyModel(models.Model):
    """Insert-only: save() refuses an existing row, delete() refuses always (the admin shows them read-only)."""

    idempotency_key = models.CharField(
        _("Request key"),
        max_length=100,
        unique=True,
        help_text=_("Unique per request, so a retried request never applies twice."),
    )
    source = models.CharField(
        _("Source"), max_length=100, blank=True, help_text=_("What caused it, e.g. own-order:12 or work-order:7")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Recorded by"),
    )
    created_at = models.DateTimeField(_("Recorded at"), auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never edited; record a correcting movement.")
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted; record a correcting movement.")

    delete.alters_data = True


class Movement(AppendOnlyModel):
    """A change of a member's stock or material, with why; the two legs of a transfer share ``transfer``, and
    each names the other workshop as ``counterpart``."""

    reason = models.CharField(_("Reason"), max_length=255, blank=True)
    transfer = models.UUIDField(null=True, blank=True, db_index=True)
    counterpart = models.ForeignKey(
        "inventory.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Other member"),
    )

    class Meta:
        abstract = True
        ordering = ["-id"]
