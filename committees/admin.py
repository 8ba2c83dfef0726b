"""Admin: committees and their members are set up here; sessions, votes, decisions and payments are
read-only (they change only through committees.services, which check the rules and keep the audit)."""

from django.contrib import admin

from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Decision,
    Payment,
)
from core.admin import AccountInline, ReadOnlyAdmin, ReadOnlyInline


class CommitteeMemberInline(AccountInline):
    model = CommitteeMember


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "fund", "quorum_kind", "quorum_fixed", "decision_rule"]
    list_filter = ["fund__year"]
    inlines = [CommitteeMemberInline]


class CommitteeMemberLinkInline(admin.TabularInline):
    model = CommitteeMemberLink
    extra = 0
    autocomplete_fields = ["holder"]
    fields = ["holder", "holder_name", "reason"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "committee", "college", "mandate_start", "mandate_end"]
    list_filter = ["college", "committee__fund__year"]
    search_fields = ["full_name", "organisation", "email"]
    autocomplete_fields = ["user"]
    inlines = [CommitteeMemberLinkInline]


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ["position", "application", "invited_to_present", "vote_started_at"]


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["member", "present", "excused", "arrived_at"]


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(ReadOnlyAdmin):
    list_display = ["committee", "date", "time", "place", "status"]
    list_filter = ["status", "committee__fund__year"]
    inlines = [AttendanceInline, AgendaItemInline]


class AmendmentInline(ReadOnlyInline):
    model = Amendment
    fields = ["created_at", "created_by", "changes", "amount_delta", "reason"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["item", "outcome", "amount_granted", "decided_at"]
    list_filter = ["outcome"]
    inlines = [AmendmentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "amount", "paid_on", "method", "reference"]
    list_filter = ["kind", "method"]
