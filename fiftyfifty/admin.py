from django.contrib import admin

from fiftyfifty.models import Builder, Commitment, Convention, Initiative, Meeting, Project, Signature


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "fund", "carried_by", "status", "updated_at"]
    list_filter = ["status", "fund"]
    search_fields = ["title", "carried_by"]
    raw_id_fields = ["proposer"]
    readonly_fields = ["status"]  # a status changes through the services only
    inlines = [MeetingInline, CommitmentInline]


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    readonly_fields = ["party", "name", "role", "signed_at", "method", "user", "consent"]


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["number", "project", "starts_on", "ends_on", "signed_on"]
    inlines = [SignatureInline]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "fund", "carried_by", "happened_on", "status"]
    list_filter = ["status", "fund"]
    readonly_fields = ["status"]


@admin.register(Builder)
class BuilderAdmin(admin.ModelAdmin):
    list_display = ["name", "association", "email", "phone", "consent_at"]
    raw_id_fields = ["user"]
