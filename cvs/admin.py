"""Site administration of CVS requests: read-only. Asks, opinions, programming and payments change only through
the services (envelope checks, workflow, audit)."""

from django.contrib import admin

from core.admin import ReadOnlyInline
from cvs.models import CvsRequest, FunderOpinion, FundingAsk, ProgrammingDecision


class FundingAskInline(ReadOnlyInline):
    model = FundingAsk
    fields = ("funder", "amount_asked", "amount_programmed", "amount_paid")


class FunderOpinionInline(ReadOnlyInline):
    model = FunderOpinion
    fields = ("funder", "opinion", "comment", "author", "given_at")


class ProgrammingInline(ReadOnlyInline):
    model = ProgrammingDecision
    fields = ("decided_on", "granted", "attendees", "comment", "recorded_by", "recorded_at")


@admin.register(CvsRequest)
class CvsRequestAdmin(admin.ModelAdmin):
    list_display = ("application", "structure_kind", "multi_year", "previous_request")
    list_filter = ("structure_kind", "multi_year", "application__fund")
    search_fields = ("application__reference", "application__title", "application__holder__name")
    inlines = (FundingAskInline, FunderOpinionInline, ProgrammingInline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
