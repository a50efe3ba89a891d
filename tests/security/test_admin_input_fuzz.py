"""Admin input never 500s: every changelist filter, search box and autocomplete, found by
walking the admin's URL patterns, gets NUL bytes, over-long values, non-numbers and
unknown ids, and answers 400 or an empty result.

Prints "admin fuzz: N changelists, M autocompletes, P parameters, R requests, 0 server errors".
"""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

pytestmark = pytest.mark.django_db

# value -> must a filter given this value show nothing (or refuse it)?
HOSTILE = {
    "\x00": True,
    "ab\x00cd": True,
    "x" * 5000: True,
    "9" * 5000: True,
    "not-a-number": True,
    "-1": True,
    "99999999999999999999999": True,
    "987654": True,  # an unknown id
    "1.5": True,
    "'\";--": True,
    "%_%": True,
    "ü😀": True,
    " ".join(["cramp"] * 1000): True,
    "": False,  # an empty value is "no filter" for some filters
}
PRESENTATION = {ORDER_VAR, PAGE_VAR, ALL_VAR}  # ordering, page, "show all": 200 or 400, any rows


def admin_url_names() -> list[str]:
    """Names of every admin URL pattern (walked, not listed: a new model admin is fuzzed unchanged)."""
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(pattern.name)

    walk(admin.site.urls[0])
    return names


def changelists() -> list[tuple[str, admin.ModelAdmin]]:
    by_name = {f"{m._meta.app_label}_{m._meta.model_name}_changelist": ma for m, ma in admin.site._registry.items()}
    return [(name, by_name[name]) for name in admin_url_names() if name.endswith("_changelist")]


def autocomplete_sources() -> list[dict]:
    """(app_label, model_name, field_name) for every autocomplete field, inlines included."""
    sources = []
    for model_admin in admin.site._registry.values():
        for owner in [model_admin, *model_admin.inlines]:
            for field_name in owner.autocomplete_fields:
                opts = owner.model._meta
                sources.append({"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field_name})
    return sources


@pytest.fixture
def site(publish, django_user_model):
    """A little of everything, so filters have rows to narrow and lookups have choices."""
    article = publish()
    Client().post("/admin/login/", {"username": "nobody", "password": "wrong"})  # an axes row
    root = django_user_model.objects.create_superuser("root", password="pw")
    client = Client(raise_request_exception=False)  # a server error is counted, not raised
    client.force_login(root)
    return client, article


def test_admin_filters_search_and_autocomplete_never_fail_on_hostile_input(site, capsys):
    client, _ = site
    failures, requests, parameters = [], 0, 0
    lists = changelists()
    assert len(lists) == len(admin.site._registry)
    for name, model_admin in lists:
        url = reverse(f"admin:{name}")
        clean = client.get(url, follow=True)  # a list may open on its default filter (the moderators' queue)
        assert clean.status_code == 200, url
        if getattr(model_admin, "page_parameters", None):  # a page of its own (the review calendar), not a list
            for param in model_admin.page_parameters:
                parameters += 1
                for value in HOSTILE:
                    requests += 1
                    if (status := client.get(url, {param: value}).status_code) not in (200, 400):
                        failures.append((url, param, value[:20], status))
            continue
        cl = clean.context["cl"]
        params = {p for spec in cl.filter_specs for p in spec.expected_parameters()}
        if model_admin.search_fields:
            params.add(SEARCH_VAR)
        if model_admin.date_hierarchy:
            params |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        params |= PRESENTATION
        parameters += len(params)
        for param in sorted(params):
            for value, must_narrow in HOSTILE.items():
                response = client.get(url, {param: value})
                requests += 1
                status = response.status_code
                shown = response.context["cl"].result_count if status == 200 and response.context else None
                ok = status == 400 or (
                    status == 200 and (param in PRESENTATION or param == SEARCH_VAR or not must_narrow or shown == 0)
                )
                if not ok:
                    failures.append((url, param, value[:20], status, shown))
    sources = autocomplete_sources()
    assert sources, "the walk found no autocomplete fields"
    autocomplete = reverse("admin:autocomplete")
    for source in sources:
        assert client.get(autocomplete, {**source, "term": ""}).status_code == 200, source
        for value in HOSTILE:
            for extra in ({"term": value}, {"term": "a", "page": value}):
                response = client.get(autocomplete, {**source, **extra})
                requests += 1
                if response.status_code not in (200, 400, 404) or (
                    response.status_code == 200 and "term" in extra and value != "" and response.json()["results"]
                ):
                    failures.append((autocomplete, source["field_name"], extra, response.status_code))
        for broken in ({"field_name": "\x00"}, {"model_name": "x" * 5000}, {"app_label": "987654"}):
            response = client.get(autocomplete, {**source, **broken, "term": "a"})
            requests += 1
            if response.status_code not in (400, 403):
                failures.append((autocomplete, broken, response.status_code))
    with capsys.disabled():
        print(
            f"\n\nadmin fuzz: {len(lists)} changelists, {len(sources)} autocompletes, {parameters} parameters, "
            f"{requests} requests, {len(failures)} answers neither 400 nor an empty result\n"
        )
        for failure in failures[:30]:
            print("  ", failure)
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?cause=%00",
        "/admin/articles/article/?reviewer=%00",
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=assigned_reviewer&term=%00",
        "/search/?q=cramp%00",
        "/admin/login/?next=/admin/%00",
    ],
)
def test_a_nul_byte_in_a_query_string_is_a_400_before_any_view(site, url):
    """Values that PostgreSQL cannot take (a NUL byte) never reach a query."""
    client, _ = site
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL byte" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_400(site):
    client, _ = site
    response = client.post(reverse("admin:articles_article_changelist"), {"action": "x\x00", "_selected_action": "1"})
    assert response.status_code == 400
