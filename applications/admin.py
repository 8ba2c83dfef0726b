"""Site administration of requests. Statuses, references and timelines are read-only here:
they change only through the services (workflow, numbering, audit)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    CriterionCheck,
    EligibilityCriterion,
    Holder,
    HolderLink,
    Message,
    ReferenceCounter,
    StaffNote,
    StatusChange,
)
from core.admin import ReadOnlyInline
from funds.admin import FundAdmin
from funds.models import Fund


@admin.register(Holder)
class HolderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "owner", "referent_name", "siret", "rna", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "referent_name", "siret", "rna", "owner__email")
    raw_id_fields = ("owner",)
    readonly_fields = ("republican_commitment_accepted_at", "created_at", "updated_at")


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ("side", "category", "grant_source", "label", "amount", "position")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    show_change_link = False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("created_at", "transition", "from_status", "to_status", "actor", "comment")


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "author", "body")


class CriterionCheckInline(ReadOnlyInline):
    model = CriterionCheck
    fields = ("criterion", "met", "comment", "checked_by", "checked_at")


class StaffNoteInline(ReadOnlyInline):
    model = StaffNote
    fields = ("created_at", "author", "body")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("display_reference", "title", "fund", "holder", "status", "amount_requested", "submitted_at")
    list_filter = ("status", "fund__year", "fund")
    search_fields = ("reference", "title", "holder__name", "created_by__email")
    list_select_related = ("fund", "holder")
    raw_id_fields = ("created_by", "holder")
    readonly_fields = ("status", "number", "reference", "version", "submitted_at", "created_at", "updated_at")
    inlines = (
        BudgetLineInline,
        AttachmentInline,
        StatusChangeInline,
        MessageInline,
        CriterionCheckInline,
        StaffNoteInline,
    )
    date_hierarchy = "created_at"

    @admin.display(description=_("référence"), ordering="reference")
    def display_reference(self, obj: Application) -> str:
        return obj.display_reference


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("application", "author", "created_at")
    search_fields = ("application__reference", "author__email", "body")
    list_select_related = ("application", "author")
    readonly_fields = ("application", "author", "body", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin):
    list_display = ("fund", "last_number")
    readonly_fields = ("fund", "last_number")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Each fund's eligibility grid, edited on the fund's admin page ------------------------------------


class EligibilityCriterionInline(admin.TabularInline):
    model = EligibilityCriterion
    extra = 0
    fields = ("position", "label", "help_text", "is_required", "auto_check")
    ordering = ("position", "id")


admin.site.unregister(Fund)


@admin.register(Fund)
class FundWithCriteriaAdmin(FundAdmin):
    """The funds app's admin page, with the fund's eligibility grid (defined here: the grid is the instruction's)."""

    inlines = [*FundAdmin.inlines, EligibilityCriterionInline]


@admin.register(HolderLink)
class HolderLinkAdmin(admin.ModelAdmin):
    list_display = ("user", "holder", "holder_name", "reason", "created_at")
    search_fields = ("user__email", "holder__name", "holder_name")
    raw_id_fields = ("user", "holder")
