#!/usr/bin/env python
"""Django's command-line utility for Guyub (run from the repository root or from site/)."""

import os
import sys
from pathlib import Path


def main() -> None:
    here = Path(__file__).resolve().parent
    # Two import roots: the apps at the repository root and the project package in site/.
    for root in (here.parent, here):
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guyub.settings.dev")
    # After the import roots and the settings are set (Django's own manage.py imports it here too).
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
