from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from comments_plugin import operations
from comments_plugin.models import Comment, Status
from comments_plugin.views.comments import safe_next


@csrf_protect
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """A reader reports a comment."""
    comment = get_object_or_404(Comment, pk=pk, status=Status.APPROVED)
    operations.flag(comment, user=request.user, request=request, reason=request.POST.get("reason", "")[:500])
    return HttpResponseRedirect(safe_next(request, request.POST.get("next")) or comment.get_absolute_url())
