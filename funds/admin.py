from django.contrib import admin

from core.admin import AccountInline
from funds.models import (
    AssociationStaff,
    CarrierAssociation,
    Commune,
    CvsAmbition,
    CvsStake,
    Fund,
    FundCoFunder,
    Funder,
    FunderStaff,
    Neighbourhood,
    Theme,
)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "department_code"]
    search_fields = ["name", "insee_code"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department_code", "epci_name"]
    search_fields = ["code", "name", "communes__name"]
    list_filter = ["region_name", "department_name"]
    filter_horizontal = ["communes"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


class CvsAmbitionInline(admin.TabularInline):
    model = CvsAmbition
    extra = 0


@admin.register(CvsStake)
class CvsStakeAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    inlines = [CvsAmbitionInline]


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["commune"]


class FunderStaffInline(AccountInline):
    model = FunderStaff


FunderAdmin.inlines = [FunderStaffInline]


class AssociationStaffInline(AccountInline):
    model = AssociationStaff


@admin.register(CarrierAssociation)
class CarrierAssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "siret", "contact_email"]
    search_fields = ["name", "siret", "rna", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["neighbourhoods"]
    inlines = [AssociationStaffInline]


class FundCoFunderInline(admin.TabularInline):
    model = FundCoFunder
    extra = 0
    autocomplete_fields = ["funder"]


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "association", "scheme", "year", "envelope", "call_opens_on", "call_closes_on"]
    list_filter = ["scheme", "year", "association"]
    search_fields = ["name", "slug", "association__name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes", "ambitions", "neighbourhoods"]
    inlines = [FundCoFunderInline]
    list_select_related = ["association"]
