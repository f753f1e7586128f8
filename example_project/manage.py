#!/usr/bin/env python
"""The example news site's ``manage.py``: ``python example_project/manage.py runserver``."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    # The example runs from a checkout: make the project's own package importable even when it
    # was not pip-installed (the editable install from ``make demo`` makes this a no-op).
    sys.path[:0] = [str(here), str(here.parent)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
