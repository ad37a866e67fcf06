from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running Samspil: backup and restore, retention, the checks that prove it holds."""

    name = "samspil.operations"
    verbose_name = _("Operations")
