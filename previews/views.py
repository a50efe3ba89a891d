"""The page an outside expert opens: the version's reader page, a banner, and a comment form.

Any link that does not work (tampered, unknown, expired, revoked, or its version changed,
was signed off or withdrawn) is the site's ordinary 404, whatever the reason.
"""

from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from operations.ratelimits import limit_per_address, over_limit
from previews import services
from previews.forms import ExpertCommentForm
from reader.page import preview_page_context


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
                services.add_expert_comment(link=link, **form.cleaned_data)
            except services.TooManyComments as refusal:
                form.add_error(None, str(refusal))  # what was typed stays in the form
                status = 429
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
