from django.contrib import admin

from bundles.models import Bundle


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("pk", "scope", "fund", "application", "requested_by", "state", "created_at", "expires_at")
    list_filter = ("state", "scope")
    readonly_fields = ("file", "size", "file_count", "error", "ready_at")
