"""One refusal error for every service (inventory, pooling, loans, prices): a ValidationError, so a form shows
it by its field and a view by its messages, in the reader's language. Nothing was written when it is raised."""

from django.core.exceptions import ValidationError


class Refusal(ValidationError):
    """A refused change. ``message`` is a text (or a dict field → error, as ValidationError takes it); ``field``
    names the form field it is about, when there is one."""

    def __init__(self, message, code: str | None = "refused", params=None, *, field: str | None = None):
        super().__init__(message, code=code, params=params)
        self.field = field
