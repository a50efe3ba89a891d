"""Comment, reply, resolve: POST-only admin views (mounted by comments/admin.py) that go back where they came from."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from articles.models import ArticleVersion
from articles.workflow import WorkflowError
from comments import services
from comments.models import ReviewComment
from comments.selectors import DRAFT_KEY


def _back(request, version) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("admin:articles_articleversion_change", args=[version.pk])
    return HttpResponseRedirect(target.split("#")[0] + "#review-comments")


def add(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = get_object_or_404(ArticleVersion, pk=pk)
    fields = {name: request.POST.get(name, "") for name in ("quote", "prefix", "suffix", "text")}
    clinical = request.POST.get("clinical") == "on"
    try:
        services.add_comment(version=version, user=request.user, clinical=clinical, **fields)
    except WorkflowError as refused:
        messages.error(request, f"Your comment was not added: {refused} What you wrote is still in the form.")
        request.session[DRAFT_KEY] = {"version": version.pk, "clinical": clinical, **fields}
    else:
        messages.success(
            request, "Clinical concern added: it holds the sign-off until resolved." if clinical else "Comment added."
        )
    return _back(request, version)


def reply(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    comment = get_object_or_404(ReviewComment.objects.select_related("version"), pk=pk)
    try:
        services.reply(comment=comment, user=request.user, text=request.POST.get("text", ""))
    except WorkflowError as refused:
        messages.error(request, f"Your reply was not added: {refused}")
    return _back(request, comment.version)


def resolve(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    comment = get_object_or_404(ReviewComment.objects.select_related("version", "author"), pk=pk)
    try:
        services.resolve(comment=comment, user=request.user)
    except WorkflowError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Comment resolved.")
    return _back(request, comment.version)
