"""Make sure Django is set up before tests turn lazy translations into text.

Under the project's pytest-django configuration this is a no-op; it only matters when these tests
run with a bare DJANGO_SETTINGS_MODULE and no plugin.
"""

from __future__ import annotations

import django
from django.apps import apps

if not apps.ready:
    django.setup()
