"""WSGI entry point (gunicorn guyub.wsgi, with site/ and the repository root on the path)."""

import os
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent
for _root in (_here.parent.parent, _here.parent):
    if str(_root) not in sys.path:
        sys.path.insert(0, str(_root))

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guyub.settings.production")
application = get_wsgi_application()
