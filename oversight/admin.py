from __future__ import annotations

from django.contrib import admin

from oversight.models import ConductReport, CoverageTarget, PlacementRecord


@admin.register(CoverageTarget)
class CoverageTargetAdmin(admin.ModelAdmin):
    list_display = ["province", "percent", "set_by", "updated_at"]
    raw_id_fields = ["set_by"]


@admin.register(ConductReport)
class ConductReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "school", "company", "category", "status", "province"]
    list_filter = ["status", "category", "province"]
    search_fields = ["school__name", "company__name", "description"]
    raw_id_fields = ["school", "company", "match", "reported_by", "handled_by"]


@admin.register(PlacementRecord)
class PlacementRecordAdmin(admin.ModelAdmin):
    list_display = ["match", "girls", "boys", "other_or_unknown", "recorded_by", "recorded_at"]
    raw_id_fields = ["match", "recorded_by"]
