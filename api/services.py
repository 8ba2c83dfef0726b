"""Writes on API tokens: create (the key is returned once), revoke, record a use."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from api.models import SHOWN_PREFIX_LENGTH, ApiToken, hash_key, new_key
from api.permissions import may_create_token, may_revoke_token
from core.services import record_audit

# `last_used_at` is written at most once per this delay: a busy client does not write on every request.
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)


def _audit(token: ApiToken, *, actor, action: str, summary: str) -> None:
    data = {"owner": token.owner_id, "prefix": token.prefix}
    record_audit(actor=actor, action=f"api_token.{action}", target=token, summary=summary, data=data)


def issue_token(*, token: ApiToken, created_by) -> str:
    """Give an unsaved token (owner and name set) its key, save it, audit it; return the key (shown once)."""
    if not may_create_token(created_by, token.owner):
        raise PermissionDenied
    key = new_key()
    token.prefix = key[:SHOWN_PREFIX_LENGTH]
    token.key_hash = hash_key(key)
    token.created_by = created_by
    with transaction.atomic():
        token.full_clean()
        token.save()
        _audit(
            token, actor=created_by, action="created", summary=f"Jeton d'API « {token.name} » créé pour {token.owner}"
        )
    return key


def create_token(*, owner, name: str, created_by) -> tuple[ApiToken, str]:
    token = ApiToken(owner=owner, name=name)
    return token, issue_token(token=token, created_by=created_by)


def revoke_token(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token for good (revoking twice keeps the first date)."""
    if not may_revoke_token(actor, token):
        raise PermissionDenied
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            _audit(token, actor=actor, action="revoked", summary=f"Jeton d'API « {token.name} » révoqué")
    return token


def record_use(*, token: ApiToken) -> None:
    """Note that the token was just used, at most once a minute (one UPDATE, no read, no audit entry)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
