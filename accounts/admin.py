from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ApiToken,
    AuditEntry,
    Board,
    CoordinatorRegion,
    Invitation,
    JoinRequest,
    Location,
    Membership,
    Organisation,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


class CoordinatorRegionInline(admin.TabularInline):
    model = CoordinatorRegion
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "coordinator_regions__province"]
    search_fields = ["email", "name"]
    inlines = [MembershipInline, CoordinatorRegionInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "place", "province", "landsdeel", "brin", "kvk", "verified_at"]
    list_filter = ["kind", "landsdeel", "province", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "brin", "kvk", "place", "external_id"]
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["verified_by"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "is_admin", "created_at"]
    list_filter = ["is_admin", "organisation__kind"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "is_admin",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["is_admin", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    readonly_fields = ["token"]


@admin.register(CoordinatorRegion)
class CoordinatorRegionAdmin(admin.ModelAdmin):
    list_display = ["user", "province", "created_at"]
    list_filter = ["province"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by services and never edited."""

    list_display = [
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "organisation",
        "province",
    ]
    list_filter = ["action", "province"]
    search_fields = ["actor_label", "action", "object_id", "organisation__name", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "name", "number", "place", "province")
    list_filter = ("province",)
    search_fields = ("name", "number", "place", "organisation__name")
    raw_id_fields = ("organisation",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens by name and dates only: the secret is never stored, so there is nothing to show."""

    list_display = (
        "name",
        "user",
        "organisation",
        "prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("read_only",)
    search_fields = ("name", "user__email", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    raw_id_fields = ("user", "organisation")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email", "organisation__name")
    raw_id_fields = ("user", "organisation", "decided_by")
