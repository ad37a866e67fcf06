from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from samspil.accounts.models import User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class SamspilUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation__district", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Samspil", {"fields": ("organisation", "language", "is_synthetic")}),
    )
    inlines = [UserRoleInline]
