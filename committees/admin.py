from django.contrib import admin

from committees.models import Committee, CommitteeMember


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "fund"]
    list_filter = ["fund__year"]
    inlines = [CommitteeMemberInline]
