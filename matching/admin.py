from __future__ import annotations

from django.contrib import admin

from matching.models import (
    Attachment,
    BlockedPair,
    Feedback,
    Match,
    MatchingRun,
    MatchMessage,
    Offer,
    Placement,
    Request,
    TeacherReflection,
)


class _ListingAdmin(admin.ModelAdmin):
    list_filter = ["status", "kind", "organisation__landsdeel", "organisation__province"]
    search_fields = ["title", "external_id", "organisation__name"]
    raw_id_fields = ["organisation", "created_by"]
    readonly_fields = [
        "committed",
        "levels_mask",
        "subjects_mask",
        "created_at",
        "updated_at",
        "published_at",
        "closed_at",
        "external_id",
    ]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"


@admin.register(Offer)
class OfferAdmin(_ListingAdmin):
    list_display = [
        "title",
        "organisation",
        "kind",
        "status",
        "capacity",
        "committed",
        "available_from",
        "available_until",
        "online",
    ]
    list_filter = [*_ListingAdmin.list_filter, "online", "contract_type", "lesson_format", "repeat"]
    raw_id_fields = [*_ListingAdmin.raw_id_fields, "contact_person", "sbb_checked_by"]
    search_fields = [*_ListingAdmin.search_fields, "sbb_number"]


@admin.register(Request)
class RequestAdmin(_ListingAdmin):
    list_display = [
        "title",
        "organisation",
        "kind",
        "status",
        "slots",
        "committed",
        "wanted_from",
        "wanted_until",
        "online_ok",
    ]
    list_filter = [*_ListingAdmin.list_filter, "online_ok", "vog_required", "sbb_required", "contract_type"]
    raw_id_fields = [*_ListingAdmin.raw_id_fields, "contact_person", "teacher"]


class FeedbackInline(admin.TabularInline):
    model = Feedback
    extra = 0
    raw_id_fields = ["given_by"]


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    raw_id_fields = ["created_by"]


class AttachmentInline(admin.TabularInline):
    """Read-only: documents are uploaded on the match page, through the type and size checks."""

    model = Attachment
    extra = 0
    can_delete = True
    fields = ["name", "type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "offer",
        "request",
        "slots",
        "status",
        "source",
        "score",
        "activity_date",
        "created_at",
    ]
    list_filter = ["status", "source", "offer__kind", "request__organisation__landsdeel"]
    search_fields = [
        "offer__title",
        "request__title",
        "offer__organisation__name",
        "request__organisation__name",
    ]
    raw_id_fields = [
        "offer",
        "request",
        "run",
        "proposed_by",
        "school_accepted_by",
        "company_accepted_by",
        "ended_by",
    ]
    list_select_related = ["offer", "request"]
    inlines = [FeedbackInline, PlacementInline, AttachmentInline]
    date_hierarchy = "created_at"


@admin.register(BlockedPair)
class BlockedPairAdmin(admin.ModelAdmin):
    list_display = ["offer", "request", "blocked_by", "created_at"]
    raw_id_fields = ["offer", "request", "blocked_by"]
    search_fields = ["offer__title", "request__title", "reason"]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["id", "scope", "trigger", "status", "created_at", "started_at", "finished_at", "attempts"]
    list_filter = ["status", "scope", "trigger"]
    readonly_fields = ["stats", "error"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["match", "side", "rating", "created_at"]
    list_filter = ["side", "rating"]
    search_fields = ["comment"]
    raw_id_fields = ["match", "given_by"]


@admin.register(MatchMessage)
class MatchMessageAdmin(admin.ModelAdmin):
    """Read-mostly: messages are written on the match page; the admin is for support and moderation."""

    list_display = ["created_at", "match", "side", "author", "short_body"]
    list_filter = ["side"]
    search_fields = ["body", "author__email", "author__name", "match__offer__title", "match__request__title"]
    list_select_related = ["author", "match__offer", "match__request"]
    raw_id_fields = ["match", "author"]
    readonly_fields = ["match", "author", "side", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description="message")
    def short_body(self, message: MatchMessage) -> str:
        return message.body[:80]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "match", "type", "size", "created_at"]
    list_filter = ["type"]
    raw_id_fields = ["match", "uploaded_by"]
    readonly_fields = ["file", "name", "type", "size", "created_at"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(TeacherReflection)
class TeacherReflectionAdmin(admin.ModelAdmin):
    list_display = ["match", "teacher", "created_at"]
    raw_id_fields = ["match", "teacher"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["label", "match", "starts_on", "ends_on", "hours_per_week"]
    raw_id_fields = ["match", "created_by"]
