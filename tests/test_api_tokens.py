"""API tokens: created and revoked by an administrator or by an association's staff for themselves."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from api import services
from api.models import ApiToken, hash_key
from core.models import AuditEntry
from tests.committee_helpers import client_for


def test_staff_create_a_token_shown_once_and_stored_hashed(staff):
    client = client_for(staff)
    response = client.post(reverse("api_tokens:create"), {"name": "Tableur de suivi"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    assert key.startswith("pic_") and key in response.content.decode()
    token = ApiToken.objects.get(owner=staff)
    assert token.key_hash == hash_key(key) and key not in (token.prefix, token.key_hash)
    assert AuditEntry.objects.filter(action="api_token.created", target_id=str(token.pk), actor=staff).exists()
    page = client.get(reverse("api_tokens:list")).content.decode()
    assert token.prefix in page and key not in page


def test_staff_revoke_their_token(staff):
    token, key = services.create_token(owner=staff, name="Ancien", created_by=staff)
    response = client_for(staff).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk)).exists()
    assert Client().get(reverse("api:fund-list"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_nobody_revokes_someone_else_s_token(staff, other_staff):
    token, _key = services.create_token(owner=staff, name="À moi", created_by=staff)
    assert client_for(other_staff).post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.revoke_token(token=token, actor=other_staff)


def test_residents_and_funders_do_not_create_tokens_themselves(resident, region_staff, staff):
    for user in (resident, region_staff):
        assert client_for(user).get(reverse("api_tokens:list")).status_code == 403
        assert client_for(user).post(reverse("api_tokens:create"), {"name": "x"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.create_token(owner=user, name="x", created_by=user)
    with pytest.raises(PermissionDenied):
        services.create_token(owner=region_staff, name="x", created_by=staff)


def test_the_administrator_creates_a_token_for_a_funder(admin_user, region_staff):
    token, key = services.create_token(owner=region_staff, name="SI de la Région", created_by=admin_user)
    assert token.owner == region_staff and token.created_by == admin_user
    assert Client().get(reverse("api:fund-list"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_admin_add_form_shows_the_key_once(admin_user, region_staff):
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:api_apitoken_add"), {"owner": region_staff.pk, "name": "SI de la Région"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(owner=region_staff)
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in message for message in shown)


def test_changes_are_post_only(staff):
    assert client_for(staff).get(reverse("api_tokens:create")).status_code == 405


def test_invalid_name_is_refused(staff):
    response = client_for(staff).post(reverse("api_tokens:create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
