"""Who may do what on carrier associations and funds. Every view checks through here."""

from funds.models import CarrierAssociation, Fund


def is_association_staff(user, association: CarrierAssociation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return association.staff_links.filter(user=user).exists()


def is_any_association_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.association_links.exists())


def is_any_funder_staff(user) -> bool:
    return user.is_authenticated and user.funder_links.exists()


def can_view_fund(user, fund: Fund) -> bool:
    """Back-office reading: the carrier association's staff, the co-funders' staff, the administrator."""
    return Fund.objects.visible_to(user).filter(pk=fund.pk).exists()


def can_manage_fund(user, fund: Fund) -> bool:
    """Acting on a fund (instruction, committees, payments): the carrier association's staff only."""
    return is_association_staff(user, fund.association)
