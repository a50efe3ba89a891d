"""The API's records, as plain data: schema.org names wherever schema.org has one.

An article is the page's own JSON-LD (`reader.structured_data.article_structured_data`:
MedicalWebPage, lastReviewed, reviewedBy, author, citation, about) plus what a syndicator
needs to show it: the body HTML rendered at sign-off, its sections, the FAQ, the topic and
series, and when the record last changed. Everything is read from the live (signed-off)
version and the signed-off fields of people, causes and topics.
"""

from django.urls import reverse

from reader.structured_data import article_structured_data, person_data

# Every record has the same keys: a missing value is null, never an absent key.
PERSON_KEYS = ("honorificSuffix", "sameAs")
CITATION_KEYS = ("author", "isPartOf", "publisher", "datePublished", "sameAs", "url")
ABOUT_KEYS = ("url",)


def _complete(data: dict, keys) -> dict:
    return {**dict.fromkeys(keys), **data}


def _iso(value):
    return value.isoformat() if value is not None else None


def removal(article, request) -> dict:
    """A taken-down article: what a syndicator needs to drop its copy (the address answers 410)."""
    return {
        "@type": "MedicalWebPage",
        "identifier": article.slug,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "dateRemoved": _iso(article.taken_down_at),
        "reason": "withdrawn for medical review",
    }


def article(article, request) -> dict:
    version = article.live_version
    url = request.build_absolute_uri(article.get_absolute_url())
    data = article_structured_data(article, request)
    del data["@context"]
    data["author"] = [_complete(person, PERSON_KEYS) for person in data["author"]]
    data["citation"] = [_complete(citation, CITATION_KEYS) for citation in data["citation"]]
    data["about"] = [_complete(about, ABOUT_KEYS) for about in data["about"]]
    data["review"] = [
        {**review, "author": _complete(review["author"], ("honorificSuffix",)), "reviewBody": review.get("reviewBody")}
        for review in data["review"]
    ]
    data["reviewedBy"] = _complete(data["reviewedBy"], PERSON_KEYS) if "reviewedBy" in data else None
    data.update(
        {
            "identifier": article.slug,
            "version": version.number,
            "text": version.body_html,
            "encodingFormat": "text/html",
            "timeRequired": f"PT{version.reading_minutes}M",
            "hasPart": [
                {
                    "@type": "WebPageElement",
                    "identifier": entry["id"],
                    "name": entry["text"],
                    "url": f"{url}#{entry['id']}",
                }
                for entry in version.toc
            ],
            "image": data.get("image"),
            "images": [image(link, request) for link in version.image_links.all()],
            "faq": [
                {
                    "@type": "Question",
                    "name": entry.question,
                    "acceptedAnswer": {"@type": "Answer", "text": entry.answer_html},
                }
                for entry in version.faq_entries.all()
            ],
            "genre": topic_reference(article.topic, request),
            "isPartOf": (
                {"@type": "CreativeWorkSeries", "name": article.series.name, "position": article.part_number}
                if article.series_id
                else None
            ),
            "nextReviewDue": _iso(article.next_review_due),
            "dateArchived": _iso(article.archived_at),
            "changedAt": _iso(article.changed_at),
            "api": request.build_absolute_uri(reverse("api:article_detail", kwargs={"slug": article.slug})),
        }
    )
    return data


MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def image(link, request) -> dict:
    """A picture the version places: its words as signed off with the version (alt text, caption,
    credit are the version's frozen copies), and every rendition the images app made."""
    picture = link.image
    return {
        "@type": "ImageObject",
        "identifier": link.key,
        "contentUrl": request.build_absolute_uri(picture.url(picture.file)),
        "width": picture.width,
        "height": picture.height,
        "description": link.alt_text,  # the alt text; empty for a decorative picture
        "caption": link.caption,
        "creditText": link.credit,
        "thumbnail": [
            {
                "@type": "ImageObject",
                "contentUrl": request.build_absolute_uri(picture.url(rendition["path"])),
                "width": rendition["width"],
                "height": rendition["height"],
                "encodingFormat": MIME.get(rendition["format"], ""),
            }
            for rendition in sorted(picture.renditions, key=lambda r: (r["format"], r["width"]))
        ],
    }


def topic_reference(topic, request) -> dict:
    return {
        "@type": "DefinedTerm",
        "identifier": topic.slug,
        "name": topic.name,
        "url": request.build_absolute_uri(topic.get_absolute_url()),
    }


def topic(topic, request) -> dict:
    return {**topic_reference(topic, request), "description": topic.description}


def cause(cause, request) -> dict:
    return {
        "@type": "MedicalCause",
        "identifier": cause.slug,
        "name": cause.name,
        "url": request.build_absolute_uri(cause.get_absolute_url()),
        "description": cause.description,
        "group": {"@type": "DefinedTermSet", "identifier": cause.group.slug, "name": cause.group.name},
    }


def person(person, request) -> dict:
    data = {"identifier": person.slug, **_complete(person_data(person, request), PERSON_KEYS)}
    data["description"] = person.bio
    data["isMedicalReviewer"] = person.is_medical_reviewer
    data["isFictional"] = person.is_fictional
    return data
