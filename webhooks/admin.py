from django.contrib import admin

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "association", "is_active", "created_at")
    list_filter = ("is_active", "association")
    readonly_fields = ("secret", "created_by", "created_at", "updated_at")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("attempted_at", "status_code", "error", "response_excerpt", "duration_ms")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "state", "attempt_count", "next_attempt_at", "created_at")
    list_filter = ("state", "event")
    readonly_fields = ("endpoint", "event", "event_id", "payload", "attempt_count", "window_started_at", "delivered_at")
    inlines = [WebhookAttemptInline]
