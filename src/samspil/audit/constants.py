from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    READ = "read", _("Read")
    SEARCH = "search", _("Searched")
    READ_DENIED = "read_denied", _("Refused")
    TRANSITION = "transition", _("Changed status")
    DISCLOSE = "disclose", _("Disclosed")
    MERGE = "merge", _("Merged")
    IMPORT = "import", _("Imported")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    SECOND_FACTOR = "second_factor", _("Second factor")
