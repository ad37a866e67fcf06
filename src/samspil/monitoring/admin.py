"""Read-only admin views: the counts of refused messages and the registered devices.

Nothing is changed here: devices, tokens and orders change through the services (audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from samspil.monitoring.models import Device, RejectedMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(RejectedMessage)
class RejectedMessageAdmin(ReadOnlyAdmin):
    list_display = ("reason", "source", "count", "first_seen", "last_seen")
    list_filter = ("source", "reason")


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("device_id", "kind", "owner_organisation", "active", "created_at")
    list_filter = ("kind", "active")
    exclude = ("token_hash",)
