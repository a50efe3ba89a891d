"""Questions answered by experts: ask (guarded form, live suggestions), the answered-question
list and pages (page-cached; JSON-LD QAPage with the signing reviewer as reviewedBy), votes
and reports. Only `Question.objects.public()` (accepted, answer signed off) reaches readers."""

import secrets

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from operations.ratelimits import limit_per_address
from pagecache.middleware import serve_uncached
from pagecache.tags import invalidate
from participation import selectors, views
from participation.forms import QuestionForm
from participation.models import AnswerReview, Question, QuestionVote
from reader import helpful
from reader.structured_data import json_ld_script, person_data, publisher_data
from search.query import search_articles


def question_tag(slug: str) -> str:
    return f"question:{slug}"


def _public_question(slug: str) -> Question:
    try:
        return selectors.question_page(slug)
    except Question.DoesNotExist:
        raise Http404("No answered question here.") from None


def question_list(request):
    requested = request.GET.get("page")
    page = Paginator(selectors.answered_questions(), selectors.QUESTIONS_PER_PAGE).get_page(requested)
    if requested is not None and requested != str(page.number):
        serve_uncached(request)  # the nearest page, not the one asked for: served, never kept
    return render(request, "participation/question_list.html", {"page": page, "questions": page.object_list})


def qa_structured_data(question, reviewer, request) -> dict:
    answer = question.live_answer
    url = request.build_absolute_uri(question.get_absolute_url())
    return {
        "@context": "https://schema.org",
        "@type": "QAPage",
        "@id": url,
        "url": url,
        "inLanguage": "en",
        "datePublished": answer.approved_at.isoformat(),  # the page exists once its answer is signed off
        "dateModified": (question.answered_at or answer.approved_at).isoformat(),
        "lastReviewed": answer.approved_at.date().isoformat(),
        "reviewedBy": person_data(reviewer, request),
        "publisher": publisher_data(request),
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": n, "name": name, "item": request.build_absolute_uri(address)}
                for n, (name, address) in enumerate(
                    [
                        ("Home", reverse("articles:home")),
                        ("Questions", reverse("participation:question_list")),
                        (question.text, question.get_absolute_url()),
                    ],
                    start=1,
                )
            ],
        },
        "mainEntity": {
            "@type": "Question",
            "name": question.text,
            "text": question.text,
            "dateCreated": question.created_at.isoformat(),
            "author": {"@type": "Person", "name": "A reader of " + settings.SPASMINFO_SITE_NAME},
            "answerCount": 1,
            "acceptedAnswer": {
                "@type": "Answer",
                "text": answer.body,
                "dateCreated": answer.approved_at.isoformat(),
                "upvoteCount": question.helpful_yes,
                "url": f"{url}#answer",
                "author": person_data(answer.answerer, request),
            },
        },
    }


def question_detail(request, slug):
    question = _public_question(slug)
    answer = question.live_answer
    review = AnswerReview.objects.select_related("reviewer").filter(version=answer, outcome="approved").first()
    context = {
        "question": question,
        "answer": answer,
        "reviewer": review.reviewer,
        "totals": selectors.answerer_totals(answer.answerer),
        "topic": question.topic if question.topic_is_public else None,
        "causes": selectors.public_causes(question),
        "next_question": selectors.next_question(question),
        "article": question.article if question.article_is_live else None,  # "Read the full article"
        "vote": _existing_vote(request, question),
        "structured_data": json_ld_script(qa_structured_data(question, review.reviewer, request)),
    }
    return render(request, "participation/question_detail.html", context)


def _existing_vote(request, question):
    token = helpful.voter_token(request)
    if token is None:
        return None
    return QuestionVote.objects.filter(question=question, voter=helpful.voter_hash(token)).first()


@limit_per_address(group="helpful-vote", rate_setting="SPASMINFO_VOTE_RATE")
@require_POST
def question_vote(request, slug):
    question = _public_question(slug)
    answer = request.POST.get("helpful")
    if answer not in {"yes", "no"}:
        return HttpResponse("Choose yes or no.", status=400, content_type="text/plain")
    response = HttpResponseRedirect(f"{question.get_absolute_url()}#helpful", status=303)
    token = helpful.voter_token(request)
    if token is None:
        token = secrets.token_urlsafe(32)
        response.set_cookie(
            settings.SPASMINFO_VOTER_COOKIE,
            token,
            max_age=helpful.COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, voter=helpful.voter_hash(token), helpful=answer == "yes")
    except IntegrityError:
        return response
    invalidate(question_tag(slug))
    return response


@never_cache
def ask(request):
    if request.method == "POST":
        return _post_question(request)
    return render(request, "participation/ask.html", {"form": QuestionForm()})


@limit_per_address(group="reader-post", rate_setting="SPASMINFO_READER_POST_RATE")
def _post_question(request):
    form = QuestionForm(request.POST)
    thanks = HttpResponseRedirect(reverse("participation:ask_thanks"), status=303)
    if form.is_bot:
        return thanks
    if not form.is_valid():
        return render(request, "participation/ask.html", {"form": form}, status=400)
    Question.objects.create(text=form.cleaned_data["text"], email=form.cleaned_data["email"])
    return thanks  # private until an editor accepts it: nothing public changes


@never_cache
def ask_thanks(request):
    return render(request, "participation/ask_thanks.html")


@limit_per_address(group="search", rate_setting="SPASMINFO_SEARCH_RATE")
@require_GET
def suggest(request):
    """Live suggestions while a reader types a question: live articles and answered questions."""
    query = " ".join(request.GET.get("q", "").split())[:120]
    if len(query) < 3:
        return JsonResponse({"articles": [], "questions": []})
    results = search_articles(query, 1, per_page=5)
    articles = [
        {"title": hit.article.live_version.title, "url": hit.article.get_absolute_url()} for hit in results.hits[:5]
    ]
    questions = [{"title": q.text, "url": q.get_absolute_url()} for q in selectors.questions_matching(query)]
    return JsonResponse({"articles": articles, "questions": questions})


@never_cache
def report_question(request, slug):
    """ "Report this" on an answered question (its question or its answer)."""
    question = _public_question(slug)
    context = {"question": question, "subject": "this question and answer"}
    return views.report_form(request, context=context, target={"question": question}, back=question.get_absolute_url())
