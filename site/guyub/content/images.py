"""Image uploads in the CMS: a broken image file is a form error on the file, never a server error.

Wagtail's image field opens the upload with Willow to check its size in pixels; a truncated or corrupt
file (e.g. a JPEG cut off mid-upload) makes Pillow raise OSError there, which Wagtail does not catch
(it only turns "not an image at all" into a form error). The settings could swap the whole image form
(WAGTAILIMAGES_IMAGE_FORM_BASE); guarding the field itself covers every form that uses it (the image add
and edit views, the multiple uploader, the chooser's upload) with one small wrapper.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.images.fields import WagtailImageField


def guard_image_field() -> None:
    original = WagtailImageField.to_python
    if getattr(original, "guyub_guarded", False):
        return

    @functools.wraps(original)
    def to_python(self, data):
        try:
            return original(self, data)
        except ValidationError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError) as error:  # what Pillow raises for a damaged file
            name = getattr(data, "name", "") or _("The file")
            raise ValidationError(
                _(
                    "%(file)s is not a complete image (it may have been cut off): export or save it again and "
                    "upload it once more."
                )
                % {"file": name},
                code="invalid_image",
            ) from error

    to_python.guyub_guarded = True
    WagtailImageField.to_python = to_python
