"""The draft form's helpers: autosave, discard, presence, the live preview, the choosers. Admin only.

Each is wrapped by the admin site's `admin_view` in `desk/urls.py` (signed-in staff, CSRF checked)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleVersion
from articles.workflow import EDIT_PERMISSION, NotAllowed
from desk import services, writing
from desk.models import TEXT_FIELDS


def _version(request, pk: int) -> ArticleVersion:
    if not request.user.has_perm("articles.view_articleversion"):
        raise PermissionDenied
    return get_object_or_404(ArticleVersion, pk=pk)


def autosave(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = _version(request, pk)
    base = request.POST.get("revision_seen", "")
    try:
        saved = services.autosave(
            version=version,
            user=request.user,
            fields={name: request.POST.get(name, "") for name in TEXT_FIELDS},
            base_revision=int(base) if base.isdigit() else version.revision,
        )
    except NotAllowed as refused:
        return JsonResponse({"error": str(refused)}, status=409)
    return JsonResponse({"saved_at": timezone.localtime(saved.saved_at).strftime("%H:%M:%S")})


def discard(request, pk: int):
    """Throw the autosave away and reopen the form on the version's saved text (works without JavaScript)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = _version(request, pk)
    if services.discard_autosave(version=version, user=request.user):
        messages.info(request, "Your unsaved changes were discarded; the form shows the last saved text.")
    return HttpResponseRedirect(reverse("admin:articles_articleversion_change", args=[version.pk]))


def presence(request, pk: int):
    """POST: "I have it open" (or, with leaving=1, "I closed it"); answers who else has it open."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = _version(request, pk)
    if request.POST.get("leaving"):
        services.gone(version=version, user=request.user)
        return JsonResponse({"others": []})
    return JsonResponse({"others": services.here(version=version, user=request.user)})


def _may_write(request) -> None:
    if not request.user.has_perm(EDIT_PERMISSION):
        raise PermissionDenied


def preview(request):
    """POST text: the reader's HTML of it, for the preview beside the editor. Never cached."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _may_write(request)
    text = request.POST.get("text", "")
    if len(text) > services.MAX_FIELD_CHARS:
        return HttpResponse("This text is too long to preview.", status=413, content_type="text/plain")
    response = HttpResponse(writing.preview_html(text), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def choose_images(request):
    _may_write(request)
    return JsonResponse({"results": writing.search_images(request.GET.get("q", ""))})


def choose_sources(request):
    _may_write(request)
    return JsonResponse({"results": writing.search_sources(request.GET.get("q", ""))})
