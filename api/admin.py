from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api import services
from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The administrator creates tokens for anyone (e.g. a co-funder's information system) and revokes them."""

    list_display = ("name", "owner", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "owner__email", "prefix")
    autocomplete_fields = ("owner",)
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "owner") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key = services.issue_token(token=obj, created_by=request.user)
        messages.warning(
            request,
            _("Jeton créé pour %(owner)s : %(key)s — copiez-le maintenant, il ne sera plus jamais affiché.")
            % {"owner": obj.owner, "key": key},
        )

    @admin.action(description=_("Révoquer les jetons sélectionnés"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("owner"):
            services.revoke_token(token=token, actor=request.user)
        self.message_user(request, _("Jetons révoqués."), messages.SUCCESS)
