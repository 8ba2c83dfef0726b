"""The page where an association's staff (or the administrator) create and revoke their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from api.models import ApiToken
from api.permissions import may_manage_own_tokens


def _allowed(request) -> None:
    if not may_manage_own_tokens(request.user):
        raise PermissionDenied


def _page(request, *, form: TokenForm, new_key: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(owner=request.user).order_by("-created_at", "-pk")
    return render(request, "api/tokens.html", {"tokens": tokens, "form": form, "new_key": new_key}, status=status)


@login_required
@never_cache
def token_list(request):
    _allowed(request)
    return _page(request, form=TokenForm())


@login_required
@require_POST
@never_cache
def token_create(request):
    """Creates the token and shows its key in this response only (never stored, never in a redirect)."""
    _allowed(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    _token, key = services.create_token(owner=request.user, name=form.cleaned_data["name"], created_by=request.user)
    return _page(request, form=TokenForm(), new_key=key)


@login_required
@require_POST
def token_revoke(request, pk: int):
    _allowed(request)
    token = get_object_or_404(ApiToken, pk=pk, owner=request.user)
    services.revoke_token(token=token, actor=request.user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api_tokens:list")
