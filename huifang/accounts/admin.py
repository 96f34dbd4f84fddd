from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from huifang.accounts.models import Department, Team, User


@admin.register(User)
class HuifangUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "team", "department", "is_active")
    list_filter = ("role", "team", "department", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Huifang", {"fields": ("full_name", "role", "team", "department")}),
    )


admin.site.register(Team)
admin.site.register(Department)
