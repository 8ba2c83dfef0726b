"""Site administration of bilans: read-only. Bilans change only through the services (workflow, audit,
e-mails); the administrator uses the portal's pages, as a member of every association's staff."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from reports.models import (
    Bilan,
    BilanAttachment,
    BilanExpense,
    BilanReminder,
    CvsBilan,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
    EffectObservation,
)


class BilanExpenseInline(ReadOnlyInline):
    model = BilanExpense
    fields = ("category", "label", "planned_amount", "actual_amount")


class EffectObservationInline(ReadOnlyInline):
    model = EffectObservation
    fields = (
        "effect",
        "public_neighbours",
        "public_visitors",
        "public_local_actors",
        "public_in_difficulty",
        "narrative",
    )


class BilanAttachmentInline(ReadOnlyInline):
    model = BilanAttachment
    fields = ("kind", "original_name", "content_type", "size", "public_consent", "uploaded_at")


@admin.register(Bilan)
class BilanAdmin(ReadOnlyAdmin):
    list_display = ("application", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "application__fund")
    search_fields = ("application__reference", "application__title")
    inlines = [BilanExpenseInline, EffectObservationInline, BilanAttachmentInline]


class CvsObjectiveInline(ReadOnlyInline):
    model = CvsObjective
    fields = ("position", "objective", "indicators", "result", "comments")


class CvsPartnerInline(ReadOnlyInline):
    model = CvsPartner
    fields = ("actor", "is_new_partner", "role", "when_associated", "satisfied", "room_for_progress")


class CvsBudgetLineInline(ReadOnlyInline):
    model = CvsBudgetLine
    fields = ("side", "account", "item", "commune_name", "label", "planned_amount", "realised_amount")


@admin.register(CvsBilan)
class CvsBilanAdmin(ReadOnlyAdmin):
    list_display = ("application", "status", "progress_status", "submitted_at", "reviewed_at")
    list_filter = ("status", "progress_status", "perspective")
    search_fields = ("application__reference", "application__title", "structure")
    inlines = [CvsObjectiveInline, CvsPartnerInline, CvsBudgetLineInline]


@admin.register(BilanReminder)
class BilanReminderAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "due_date", "recipient", "sent_at")
    list_filter = ("kind",)
    search_fields = ("application__reference", "recipient")
