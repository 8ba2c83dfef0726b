"""The staff's desk: their home page, what waits for them across their association's funds."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from funds.permissions import is_any_association_staff
from portal.selectors import desk_for


@login_required
def desk(request):
    """Counts and short lists of the work waiting; each line opens the page where it is done."""
    if not is_any_association_staff(request.user):
        raise PermissionDenied
    blocks = desk_for(user=request.user, today=timezone.localdate())
    return render(
        request,
        "portal/desk.html",
        {"blocks": blocks, "waiting": sum(block.count for block in blocks)},
    )
