"""Readers' pages: thin views over participation.selectors and participation.moderation.

Pages that show stories are page-cached like articles. Form pages carry a per-reader CSRF
token and a signed timestamp (participation.guard), so they are rendered for each reader
and never cached; the article pages only link to them.
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from articles.models import Article
from operations.ratelimits import limit_per_address
from pagecache.middleware import serve_uncached
from participation import reports, selectors
from participation.forms import ReportForm, StoryForm
from participation.models import Story


def _live_article(slug: str) -> Article:
    return get_object_or_404(Article.objects.live().select_related("live_version"), slug=slug)


def _article_and_prompt(slug: str, prompt_slug: str):
    article = _live_article(slug)
    prompt = selectors.prompt_for(article, prompt_slug)
    if prompt is None:
        raise Http404("This article does not ask that.")
    return article, prompt


def stories(request, slug, prompt):
    """Approved stories under one prompt of one article, newest first, 10 a page."""
    article, prompt = _article_and_prompt(slug, prompt)
    requested = request.GET.get("page")
    page = selectors.stories_page(article, prompt, requested)
    if requested is not None and requested != str(page.number):
        serve_uncached(request)  # the nearest page, not the one asked for: served, never kept
    context = {"article": article, "prompt": prompt, "page": page, "stories": page.object_list}
    return render(request, "participation/story_list.html", context)


@never_cache
def share_story(request, slug, prompt):
    """The form to share a story (GET), and sending it (POST, rate-limited per address)."""
    if request.method == "POST":
        return _post_story(request, slug, prompt)
    article, prompt = _article_and_prompt(slug, prompt)
    return render(request, "participation/story_form.html", {"article": article, "prompt": prompt, "form": StoryForm()})


@limit_per_address(group="reader-post", rate_setting="SPASMINFO_READER_POST_RATE")
def _post_story(request, slug, prompt):
    article, prompt = _article_and_prompt(slug, prompt)
    form = StoryForm(request.POST)
    thanks = HttpResponseRedirect(
        reverse("participation:story_thanks", kwargs={"slug": slug, "prompt": prompt.slug}), status=303
    )
    if form.is_bot:
        return thanks  # the honeypot was filled: answer as if it worked, keep nothing
    if not form.is_valid():
        context = {"article": article, "prompt": prompt, "form": form}
        return render(request, "participation/story_form.html", context, status=400)
    Story.objects.create(
        article=article,
        prompt=prompt,
        display_name=form.cleaned_data["display_name"],
        text=form.cleaned_data["text"],
        email=form.cleaned_data["email"],
        consent=True,
    )
    return thanks  # nothing public changed: no page is invalidated


@never_cache
def story_thanks(request, slug, prompt):
    article, prompt = _article_and_prompt(slug, prompt)
    return render(request, "participation/story_thanks.html", {"article": article, "prompt": prompt})


def privacy(request):
    return render(request, "participation/privacy.html")


def report_form(request, *, context, target: dict, back: str):
    """The report form (GET) and sending it (POST, rate-limited)."""
    if request.method == "POST":
        return _post_report(request, context=context, target=target)
    return render(request, "participation/report_form.html", {**context, "form": ReportForm(), "back": back})


@limit_per_address(group="reader-post", rate_setting="SPASMINFO_READER_POST_RATE")
def _post_report(request, *, context, target):
    form = ReportForm(request.POST)
    thanks = HttpResponseRedirect(reverse("participation:report_thanks"), status=303)
    if form.is_bot:
        return thanks
    if not form.is_valid():
        return render(request, "participation/report_form.html", {**context, "form": form}, status=400)
    ((kind, subject),) = target.items()  # {"story": story}, {"article": article} or {"question": question}
    report = {"story": reports.report_story, "article": reports.report_article, "question": reports.report_question}
    report[kind](
        **{kind: subject},
        reason=form.cleaned_data["reason"],
        text=form.cleaned_data["text"],
        reporter=reports.reporter_of(request),
    )
    return thanks


@never_cache
def report_article(request, slug):
    """ "Report a problem with this page" for a live article."""
    article = _live_article(slug)
    context = {"article": article, "subject": f"the page “{article.live_version.title}”"}
    return report_form(request, context=context, target={"article": article}, back=article.get_absolute_url())


@never_cache
def report_story(request, story):
    """ "Report this" for an approved story of a live article."""
    story = get_object_or_404(
        Story.objects.public().filter(article__in=Article.objects.live()).select_related("article", "prompt"),
        pk=story,
    )
    context = {"article": story.article, "story": story, "subject": f"the story by {story.display_name}"}
    return report_form(request, context=context, target={"story": story}, back=story.get_absolute_url())


@never_cache
def report_thanks(request):
    return render(request, "participation/report_thanks.html")
