"""schema.org JSON-LD for an article page, built from its live (signed-off) version only."""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.review_history import review_history

# The same escapes as Django's json_script: nothing in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def publisher_data(request) -> dict:
    """The site as schema.org's publisher: its name, address and logo (a 512 px square PNG)."""
    return {
        "@type": "Organization",
        "name": settings.SPASMINFO_SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static("img/logo.png")),
            "width": 512,
            "height": 512,
        },
    }


def person_data(person, request) -> dict:
    """schema.org Person for someone a page names (their signed-off name, credentials and link)."""
    data = {"@type": "Person", "name": person.name, "url": request.build_absolute_uri(person.get_absolute_url())}
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    if person.profile_url:
        data["sameAs"] = person.profile_url
    return data


def _citation(ref) -> dict:
    data = {"@type": "ScholarlyArticle" if ref.kind == "journal" else "CreativeWork", "name": ref.title}
    if ref.authors:
        data["author"] = ref.authors
    if ref.source:
        data["isPartOf" if ref.kind == "journal" else "publisher"] = ref.source
    if ref.year:
        data["datePublished"] = str(ref.year)
    if ref.doi:
        data["sameAs"] = f"https://doi.org/{ref.doi}"
    if ref.url:
        data["url"] = ref.url
    elif ref.pmid:
        data["url"] = f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"
    return data


def _review(entry) -> dict:
    """One entry of the review history as a schema.org Review of the page's medical accuracy."""
    data = {
        "@type": "Review",
        "datePublished": timezone.localdate(entry.reviewed_at).isoformat(),
        "author": {"@type": "Person", "name": entry.reviewer.name},
        "reviewAspect": "medical accuracy",
        "name": entry.summary,
    }
    if entry.reviewer.credentials:
        data["author"]["honorificSuffix"] = entry.reviewer.credentials
    if entry.change_note:
        data["reviewBody"] = entry.change_note
    return data


def article_structured_data(article, request) -> dict:
    """MedicalWebPage for a live article: dates, reviewer, authors, references and causes.

    Reads `article.live_version` and its prefetched parts (see
    `ArticleQuerySet.with_live_content`), never any other version.
    """
    version = article.live_version
    if version is None or version.status != "approved":
        raise ValueError("Structured data is only built for a live article.")
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": version.title,
        "headline": version.title,
        "description": version.description_for_sharing,
        "inLanguage": "en",
        "datePublished": article.first_published_at.isoformat(),
        "dateModified": article.last_reviewed_at.isoformat(),
        "lastReviewed": article.last_reviewed_at.date().isoformat(),
        "author": [person_data(link.person, request) for link in version.author_links.all()],
        "citation": [_citation(ref) for ref in version.references.all()],
        "about": [
            {"@type": "MedicalCondition", "name": settings.SPASMINFO_CONDITION},
            *(
                {
                    "@type": "MedicalCause",
                    "name": link.tag.name,
                    "url": request.build_absolute_uri(link.tag.get_absolute_url()),
                }
                for link in version.cause_links.all()
            ),
        ],
        "publisher": publisher_data(request),
    }
    if article.last_reviewed_by_id:
        data["reviewedBy"] = person_data(article.last_reviewed_by, request)
    data["review"] = [_review(entry) for entry in review_history(article)]
    shared = version.shared_picture()
    if shared is not None:
        data["image"] = request.build_absolute_uri(image_url(shared.image))
    return data


def image_url(image) -> str:
    """The picture's largest JPEG or PNG rendition (what Open Graph and JSON-LD name)."""
    for kind in ("JPEG", "PNG"):
        made = image.rendition_set(kind)
        if made:
            return image.url(made[-1]["path"])
    return image.url(image.file)


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element whose content cannot break out of it."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # payload escaped above
