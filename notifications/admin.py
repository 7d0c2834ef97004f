from __future__ import annotations

from django.contrib import admin

from notifications.delivery import delivery_retry
from notifications.models import Delivery, Notification, Preference


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "digest", "attempts", "retry_after", "sent_at", "last_error"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "group", "title", "read_at"]
    list_filter = ["event", "group", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "title", "dedupe_key", "object_id"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["dedupe_key", "created_at"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "recipient",
        "event",
        "channel",
        "status",
        "digest",
        "attempts",
        "retry_after",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "channel", "digest", "notification__event"]
    search_fields = ["key", "notification__recipient__email", "to_email", "last_error"]
    list_select_related = ["notification__recipient"]
    raw_id_fields = ["notification"]
    readonly_fields = ["key", "created_at", "taken_at", "sent_at", "attempts"]
    actions = ["retry_now"]

    @admin.display(description="recipient", ordering="notification__recipient__email")
    def recipient(self, delivery: Delivery) -> str:
        return delivery.notification.recipient.email if delivery.notification else delivery.to_email

    @admin.display(description="event", ordering="notification__event")
    def event(self, delivery: Delivery) -> str:
        return delivery.notification.event if delivery.notification else delivery.key.split(":", 1)[0]

    @admin.display(description="last error")
    def short_error(self, delivery: Delivery) -> str:
        return delivery.last_error[:80]

    @admin.action(description="Retry failed deliveries now (the sweep sends them)")
    def retry_now(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        count = delivery_retry(deliveries=queryset)
        self.message_user(request, f"{count} deliveries queued for the next sweep.")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "email_mode"]
    list_filter = ["group", "email_mode"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
