"""Who may create and revoke API tokens."""

from funds.permissions import is_any_association_staff


def may_manage_own_tokens(user) -> bool:
    """An association's staff (and the administrator) create and revoke tokens for themselves."""
    return is_any_association_staff(user)


def may_create_token(creator, owner) -> bool:
    """The administrator for anyone (e.g. a funder's information system); staff for themselves only."""
    if not creator.is_authenticated:
        return False
    if creator.is_superuser:
        return True
    return creator.pk == owner.pk and may_manage_own_tokens(creator)


def may_revoke_token(user, token) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or token.owner_id == user.pk
