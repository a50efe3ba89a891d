"""The page an outside expert opens: the version's reader page, a banner, and a comment form.

Any link that does not work (tampered, unknown, expired, revoked, or its version changed,
was signed off or withdrawn) is the site's ordinary 404, whatever the reason.
"""

from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from articles.workflow import WorkflowError
from comments.services import add_comment
from operations.ratelimits import limit_per_address, over_limit
from previews import services
from previews.forms import ExpertCommentForm
from reader.page import preview_page_context


@transaction.atomic
def _comment(link, *, given_name: str, text: str, passage: str, clinical: bool) -> None:
    """The comment goes to the link's record and the timeline; with a passage, it is also a review comment
    anchored there (a clinical one holds the sign-off). A passage not in the text refuses both."""
    services.add_expert_comment(link=link, given_name=given_name, text=text)
    if passage.strip():
        add_comment(version=link.version, expert_name=given_name, quote=passage, text=text, clinical=clinical)


@never_cache
@limit_per_address(group="preview", rate_setting="SPASMINFO_PREVIEW_RATE")
def expert_preview(request, token: str):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    link = services.open_preview_link(token)
    if link is None:
        raise Http404
    form = ExpertCommentForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                if over_limit(request, "preview-comment", "SPASMINFO_PREVIEW_COMMENT_RATE"):
                    raise services.TooManyComments(
                        "You have sent as many comments as we take in an hour. Please copy your comment and "
                        "send it again later."
                    )
                _comment(link, **form.cleaned_data)
            except services.TooManyComments as refusal:
                form.add_error(None, str(refusal))  # what was typed stays in the form
                status = 429
            except WorkflowError as refusal:
                form.add_error("passage", str(refusal))
            else:
                return HttpResponseRedirect(f"{request.path}?sent=1#expert-comment")
    else:
        services.record_view(link)
    version = link.version
    context = preview_page_context(version, reviewer=version.article.assigned_reviewer)
    context.update(expert_link=link, comment_form=form, thanks="sent" in request.GET)
    response = TemplateResponse(request, "previews/expert_preview.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves for another site in a Referer
    return response
