from __future__ import annotations

from django.contrib import admin

from taxonomy.models import SchoolHoliday


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(admin.ModelAdmin):
    list_display = ["school_year", "name", "region", "start", "end"]
    list_filter = ["school_year", "region", "name"]
    search_fields = ["school_year"]
