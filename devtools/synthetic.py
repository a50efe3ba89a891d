"""Synthetic content at scale: `python manage.py generate_content --articles N`.

Creates N live articles the way the workflow would leave them (a signed-off version with
authors, causes, references and FAQ, every derived field as `freeze_derived_content` fills
it, an approval `Review` whose fingerprint is the version's, events, the article's
pointers and review dates) but with bulk inserts: a batch of articles is a handful of
INSERTs in one transaction.

Derived fields come from the real derivation, `articles.derived.derive` (the renderer and
sanitizer the workflow uses), once per article: there is no second renderer to keep in
step. That is most of the CPU time, so a batch is derived by `--jobs` worker processes
(forked before any batch; they only compute, never touch the database). `verify_version`
re-derives a stored version through `preview_derived_content` and checks the fingerprint
and pointers; the command runs it on a sample of every batch.

Versions are inserted awaiting review, their parts are added, and then one UPDATE signs the
batch off: the immutability guards (articles/immutability.py) refuse parts added to a version
that is already signed off, as they would for any other writer. The search index is kept by
database triggers that fire when a row's status becomes approved (AFTER UPDATE on both engines;
search/index.py), so signing the batch off indexes each version. `ensure_indexed` checks each batch and
re-indexes any version the index lacks, so the result is indexed even if a trigger ever changed.
"""

import datetime
import multiprocessing
import random
import re
import time
from dataclasses import dataclass, field

from django.db import connection, reset_queries, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from articles import signoff
from articles.derived import Derived, derive, preview_derived_content
from articles.fingerprint import snapshot_fingerprint
from articles.models import (
    Article,
    ArticleEvent,
    ArticleVersion,
    FaqEntry,
    Person,
    Reference,
    Review,
    VersionAuthor,
    VersionCause,
)
from devtools import synthetic_text as text
from pagecache.tags import content_changed
from taxonomy.models import Cause, CauseGroup, Topic

SLUG_PREFIX = "synthetic-"
SLUG_PATTERN = re.compile(r"^synthetic-(\d+)$")
MIN_PEOPLE, MIN_REVIEWERS, MIN_TOPICS, MIN_CAUSES, MIN_GROUPS = 24, 8, 8, 60, 6

PLACEHOLDER = re.compile(r"\{(\w+)\}")

Status = ArticleVersion.Status
Event = ArticleEvent.Kind


def _capitalise(value: str) -> str:
    return value[:1].upper() + value[1:]


def _mid_sentence(name: str) -> str:
    """A cause name inside a sentence: "Dehydration" -> "dehydration", "Parkinson's disease" kept."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower() and "'" not in first:
        return name[:1].lower() + name[1:]
    return name


def fill(template: str, values: dict[str, str]) -> str:
    """Substitute `{name}` (and `{Name}`, capitalised) in plain text."""

    def value(match):
        name = match.group(1)
        return _capitalise(values[name.lower()]) if name[:1].isupper() else values[name]

    return PLACEHOLDER.sub(value, template)


# --- the pools: taxonomy and people ---------------------------------------------------------------------------


@dataclass
class Pools:
    topics: list[Topic]
    causes: list[Cause]
    writers: list[Person]
    reviewers: list[Person]


def ensure_pools(rng: random.Random, log=print) -> Pools:
    """Reuse the taxonomy and people there are; add synthetic ones where there are too few."""
    if CauseGroup.objects.count() < MIN_GROUPS:
        taken = {name.lower() for name in CauseGroup.objects.values_list("name", flat=True)}
        start = CauseGroup.objects.count()
        new = [
            CauseGroup(name=name, slug=f"{SLUG_PREFIX}{slugify(name)}", description=description, position=100 + i)
            for i, (name, description) in enumerate(text.CAUSE_GROUPS)
            if name.lower() not in taken
        ][: MIN_GROUPS - start]
        CauseGroup.objects.bulk_create(new)
        log(f"added {len(new)} cause groups")
    groups = list(CauseGroup.objects.order_by("position", "pk"))

    if Topic.objects.count() < MIN_TOPICS:
        taken = {name.lower() for name in Topic.objects.values_list("name", flat=True)}
        new = [
            Topic(name=name, slug=f"{SLUG_PREFIX}{slugify(name)}", description=description)
            for name, description in text.TOPICS
            if name.lower() not in taken
        ][: MIN_TOPICS - Topic.objects.count()]
        Topic.objects.bulk_create(new)
        log(f"added {len(new)} topics")

    if Cause.objects.count() < MIN_CAUSES:
        taken = {name.lower() for name in Cause.objects.values_list("name", flat=True)}
        names = [name for name in text.CAUSES if name.lower() not in taken][: MIN_CAUSES - Cause.objects.count()]
        Cause.objects.bulk_create(
            Cause(name=name, slug=f"{SLUG_PREFIX}{slugify(name)}", group=groups[i % len(groups)])
            for i, name in enumerate(names)
        )
        log(f"added {len(names)} causes")

    people = Person.objects.all()
    missing_reviewers = MIN_REVIEWERS - people.filter(is_medical_reviewer=True).count()
    missing_people = max(MIN_PEOPLE - people.count(), missing_reviewers, 0)
    if missing_people > 0:
        number = Person.objects.filter(slug__startswith=f"{SLUG_PREFIX}person-").count()
        new = []
        for i in range(missing_people):
            name = f"{rng.choice(text.FIRST_NAMES)} {rng.choice(text.SURNAMES)}"
            reviewer = i < missing_reviewers
            credentials = rng.choice(text.REVIEWER_CREDENTIALS if reviewer else text.WRITER_CREDENTIALS)
            new.append(
                Person(
                    name=name,
                    slug=f"{SLUG_PREFIX}person-{number + i + 1:04d}",
                    credentials=credentials,
                    bio=f"{name} is a {'doctor and medical reviewer' if reviewer else 'health writer'} (synthetic).",
                    is_medical_reviewer=reviewer,
                )
            )
        Person.objects.bulk_create(new)
        log(f"added {len(new)} people")

    everyone = list(Person.objects.order_by("pk"))
    return Pools(
        topics=list(Topic.objects.order_by("pk")),
        causes=list(Cause.objects.select_related("group").order_by("pk")),
        writers=everyone,
        reviewers=[p for p in everyone if p.is_medical_reviewer],
    )


# --- one article ----------------------------------------------------------------------------------------------


@dataclass
class Planned:
    """Everything of one article, unsaved; ids are filled in batch by batch."""

    article: Article
    version: ArticleVersion
    authors: list[VersionAuthor]
    causes: list[VersionCause]
    references: list[Reference]
    faq: list[FaqEntry]
    cause_names: list[str]
    reviewer: Person
    approved_at: datetime.datetime
    re_reviewed_at: datetime.datetime | None
    fingerprint: str = ""
    events: list[ArticleEvent] = field(default_factory=list)

    def text(self) -> tuple[str, list[tuple[str, str]]]:
        """What `derive` takes: the body and the FAQ's (question, answer) pairs."""
        return self.version.body, [(entry.question, entry.answer) for entry in self.faq]

    def derive_from(self, derived: Derived) -> None:
        derived.apply(self.version, self.faq, self.cause_names)


def _reference(rng: random.Random, number: int, cause_name: str, part: str) -> Reference:
    kind = rng.choices(["journal", "book", "web", "guideline"], weights=[6, 1, 2, 1])[0]
    authors = ", ".join(
        f"{rng.choice(text.SURNAMES)} {rng.choice('ABCDEFGHJKLMNPRS')}{rng.choice(['', 'A', 'J', 'M'])}"
        for _ in range(rng.randint(1, 3))
    ) + (", et al." if rng.random() < 0.3 else "")
    year = rng.randint(1995, 2025)
    topic = rng.choice([cause_name, f"{part} cramps", "muscle cramps", "nocturnal leg cramps", "muscle spasm"])
    if kind == "journal":
        volume = str(rng.randint(5, 120))
        return Reference(
            number=number,
            kind=kind,
            authors=authors,
            title=f"{_capitalise(topic)}: {rng.choice(['a systematic review', 'a cohort study', 'clinical features and management', 'a randomised trial', 'prevalence and risk factors'])}",  # noqa: E501
            source=rng.choice(text.JOURNALS),
            year=year,
            volume=volume,
            issue=str(rng.randint(1, 12)),
            pages=f"{(start := rng.randint(10, 900))}-{start + rng.randint(4, 14)}",
            pmid=str(rng.randint(10_000_000, 39_999_999)),
            doi=f"10.{rng.randint(1000, 9999)}/{slugify(topic)[:12]}.{year}.{rng.randint(100, 9999)}",
        )
    if kind == "book":
        return Reference(
            number=number,
            kind=kind,
            authors=authors,
            title=f"{rng.choice(['Principles of Neurology', 'Sports Medicine', 'Clinical Physiology', 'Textbook of Primary Care'])}. {rng.randint(2, 9)}th ed.",  # noqa: E501
            source=rng.choice(text.PUBLISHERS),
            year=year,
        )
    return Reference(
        number=number,
        kind=kind,
        authors="" if kind == "web" else authors,
        title=_capitalise(topic) + (" (patient information)" if kind == "web" else ": guideline"),
        source=rng.choice(text.WEB_SOURCES),
        year=year if kind == "guideline" else None,
        url=f"https://www.example.org/health/{slugify(topic)}-{rng.randint(1, 999)}",
        accessed=datetime.date(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)),
    )


def _snapshot(version: ArticleVersion, planned: "Planned") -> dict:
    """`ArticleVersion.content_snapshot()` of the unsaved rows (same order, same shapes)."""
    return {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "image_credits": version.image_credits,
        "authors": [link.person_id for link in sorted(planned.authors, key=lambda link: link.position)],
        "causes": [[link.tag_id, link.tag.name] for link in sorted(planned.causes, key=lambda link: link.tag_id)],
        "references": [ref.snapshot() for ref in planned.references],
        "faq": [{"question": e.question, "answer": e.answer} for e in planned.faq],
        "filed_under": [planned.article.topic.name, None, None],
    }


def plan_article(rng: random.Random, number: int, pools: Pools, now: datetime.datetime, overdue: float) -> Planned:
    """One article's rows, unsaved, with its text; `Planned.derive_from` fills the derived fields."""
    causes = rng.sample(pools.causes, rng.randint(3, 8))
    values = {
        "cause": _mid_sentence(causes[0].name),
        "cause2": _mid_sentence(causes[1].name),
        "cause3": _mid_sentence(causes[2].name),
        "part": rng.choice(text.BODY_PARTS),
        "activity": rng.choice(text.ACTIVITIES),
        "group": rng.choice(text.GROUPS),
        "when": rng.choice(text.WHEN),
        "drink": rng.choice(text.DRINKS),
        "stretch": rng.choice(text.STRETCHES),
        "adjective": rng.choice(text.ADJECTIVES),
        "minutes": str(rng.randint(2, 15)),
        "weeks": str(rng.randint(2, 8)),
        "percent": str(rng.randint(10, 60)),
    }
    n_refs = rng.randint(3, 8)
    body = rng.choice(text.BODY_TEMPLATES)
    if n_refs > 3:
        body += "\n## Further reading\n\nThe sources below give more detail on the evidence behind this article [@"
        body += ",".join(str(n) for n in range(4, n_refs + 1)) + "].\n"

    topic = rng.choice(pools.topics)
    reviewer = rng.choice(pools.reviewers)
    assigned = reviewer if rng.random() < 0.1 else None
    writers = [p for p in pools.writers if p.pk != reviewer.pk]
    authors = rng.sample(writers, rng.randint(1, 3))

    article = Article(slug=f"{SLUG_PREFIX}{number:06d}", topic=topic, assigned_reviewer=assigned)
    interval_days = article.review_interval * 30.4
    # Most articles were last reviewed within their interval; `overdue` of them are up to a year past it.
    late = rng.random() < overdue
    age_days = interval_days + rng.uniform(1, 365) if late else rng.uniform(0, interval_days - 1)
    last_reviewed_at = now - datetime.timedelta(days=age_days, seconds=rng.randint(0, 86_399))
    re_reviewed = rng.random() < 0.3
    approved_at = (
        last_reviewed_at - datetime.timedelta(days=interval_days + rng.uniform(-30, 200))
        if re_reviewed
        else last_reviewed_at
    )
    article.first_published_at = approved_at
    article.last_reviewed_at = last_reviewed_at
    article.last_reviewed_by = reviewer
    article.next_review_due = article.compute_next_review_due()

    faq_templates = rng.sample(text.FAQ_TEMPLATES, rng.randint(2, 5))
    faq = [
        FaqEntry(question=fill(question, values), answer=fill(answer, values), position=index)
        for index, (question, answer) in enumerate(faq_templates)
    ]
    submitted_at = approved_at - datetime.timedelta(hours=rng.uniform(1, 240))
    version = ArticleVersion(
        number=1,
        status=Status.SUBMITTED,  # signed off by write_batch once its parts are in
        title=fill(rng.choice(text.TITLES), values)[:200],
        summary=fill(rng.choice(text.SUMMARIES), values)[:300],
        body=fill(body, values),
        image_credits=rng.choice(["Illustration: spasminfo studio", "Photo: spasminfo (synthetic)", ""]),
        submitted_at=submitted_at,
        revision=rng.randint(2, 9),
    )
    planned = Planned(
        article=article,
        version=version,
        authors=[VersionAuthor(person_id=p.pk, position=i) for i, p in enumerate(authors)],
        causes=[VersionCause(tag=c) for c in causes],
        references=[_reference(rng, n, values["cause"], values["part"]) for n in range(1, n_refs + 1)],
        faq=faq,
        cause_names=[cause.name for cause in causes],
        reviewer=reviewer,
        approved_at=approved_at,
        re_reviewed_at=last_reviewed_at if re_reviewed else None,
    )
    planned.fingerprint = snapshot_fingerprint(_snapshot(version, planned))
    version.submitted_fingerprint = planned.fingerprint
    return planned


# --- writing a batch ------------------------------------------------------------------------------------------


def _events(planned: Planned, rng: random.Random) -> list[ArticleEvent]:
    article, version, user = planned.article, planned.version, planned.reviewer.user_id
    created = version.submitted_at - datetime.timedelta(days=rng.uniform(1, 30))
    events = [
        ArticleEvent(article=article, version=version, kind=Event.CREATED, comment="Created with a first draft.",
                     created_at=created),
        ArticleEvent(article=article, version=version, kind=Event.SUBMITTED, created_at=version.submitted_at),
        ArticleEvent(article=article, version=version, kind=Event.APPROVED, user_id=user,
                     comment=f"Signed off by {planned.reviewer.byline}.", created_at=planned.approved_at),
        ArticleEvent(article=article, version=version, kind=Event.WENT_LIVE, user_id=user,
                     created_at=planned.approved_at),
    ]  # fmt: skip
    if planned.re_reviewed_at:
        events.append(
            ArticleEvent(
                article=article,
                version=version,
                kind=Event.RE_REVIEWED,
                user_id=user,
                created_at=planned.re_reviewed_at,
            )
        )
    return events


def write_batch(batch: list[Planned], rng: random.Random) -> list[int]:
    """Insert one batch in one transaction; returns the new version ids."""
    with transaction.atomic():
        Article.objects.bulk_create([p.article for p in batch])
        for p in batch:
            p.version.article = p.article
        ArticleVersion.objects.bulk_create([p.version for p in batch])
        authors, causes, references, faq, reviews, events = [], [], [], [], [], []
        for p in batch:
            for link in p.authors:
                link.version = p.version
            for link in p.causes:
                link.content_object = p.version
            for row in (*p.references, *p.faq):
                row.version = p.version
            authors += p.authors
            causes += p.causes
            references += p.references
            faq += p.faq
            reviewer = p.reviewer
            reviews.append(
                Review(version=p.version, outcome=Review.Outcome.APPROVED, reviewer=reviewer, user_id=reviewer.user_id,
                       fingerprint=p.fingerprint, created_at=p.approved_at)
            )  # fmt: skip
            if p.re_reviewed_at:
                reviews.append(
                    Review(version=p.version, outcome=Review.Outcome.CONFIRMED, reviewer=reviewer,
                           user_id=reviewer.user_id, fingerprint=p.fingerprint, created_at=p.re_reviewed_at)
                )  # fmt: skip
            events += _events(p, rng)
        for rows in (authors, causes, references, faq):
            insert_rows(rows)
        # Sign the batch off now that its content is complete: the one change a guard lets through.
        ArticleVersion.objects.filter(pk__in=[p.version.pk for p in batch]).update(status=Status.APPROVED)
        for p in batch:
            p.version.status = Status.APPROVED
        for rows in (reviews, events):
            insert_rows(rows)
        # Readers see an article only once it points at its signed-off version.
        article_ids = [p.article.pk for p in batch]
        Article.objects.filter(pk__in=article_ids).update(
            live_version=Subquery(ArticleVersion.objects.filter(article_id=OuterRef("pk"), number=1).values("pk")[:1]),
            sign_offs=1,  # its one approval (articles/sign_offs.py counts those the services record)
        )
        version_ids = [p.version.pk for p in batch]
        ensure_indexed(version_ids)
    return version_ids


def insert_rows(objects: list) -> None:
    """INSERT model instances whose ids are not needed back, with COPY. What bulk_create does,
    without compiling one big statement per batch."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def ensure_indexed(version_ids: list[int]) -> int:
    """Re-index any of these signed-off versions the search index lacks; returns how many."""
    if not version_ids:
        return 0
    placeholders = ",".join(["%s"] * len(version_ids))
    from search.index import DOCUMENT_OF_VERSIONS

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM articles_search_document WHERE version_id IN ({placeholders})", version_ids
        )
        if cursor.fetchone()[0] == len(version_ids):
            return 0
        cursor.execute(
            DOCUMENT_OF_VERSIONS.format(versions=placeholders)
            + " AND v.id NOT IN (SELECT version_id FROM articles_search_document)",
            version_ids,
        )
        return cursor.rowcount


# --- checking ---------------------------------------------------------------------------------------------------

DERIVED = ("body_html", "toc", "citation_backlinks", "reading_minutes", "search_causes", "search_text")


def verify_version(version: ArticleVersion) -> list[str]:
    """What differs between a stored version and what the workflow would have stored (empty: nothing)."""
    problems = []
    stored = {name: getattr(version, name) for name in DERIVED}
    stored_faq = list(version.faq_entries.order_by("position", "id").values_list("answer_html", flat=True))
    fresh = ArticleVersion.objects.get(pk=version.pk)
    faq = preview_derived_content(fresh)
    for name in DERIVED:
        if getattr(fresh, name) != stored[name]:
            problems.append(f"{name} differs from what freeze_derived_content computes")
    if [e.answer_html for e in faq] != stored_faq:
        problems.append("FAQ answer_html differs from rendering")
    fingerprint = version.compute_fingerprint()
    if not signoff.matches(fingerprint, version.submitted_fingerprint):
        problems.append("submitted_fingerprint is not the version's fingerprint")
    approvals = list(version.reviews.filter(outcome=Review.Outcome.APPROVED).values_list("fingerprint", flat=True))
    if approvals != [fingerprint]:
        problems.append("the approval's fingerprint is not the version's fingerprint")
    article = version.article
    if article.live_version_id != version.pk or version.status != Status.APPROVED:
        problems.append("the article does not point at this signed-off version")
    if article.next_review_due != article.compute_next_review_due():
        problems.append("next_review_due is not what Article.save() would derive")
    return problems


# --- deriving: the real derivation, spread over worker processes ---------------------------------------------------


def _derive(text: tuple[str, list[tuple[str, str]]]) -> Derived:
    return derive(*text)


class Deriver:
    """Runs `derive` for planned articles in `jobs` worker processes (1: in this one)."""

    CHUNK = 50

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.pool = None

    def __enter__(self):
        if self.jobs > 1:
            # Forked once, before any batch: the workers only compute and never use the database connection.
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def derived(self, batches):
        """Yield each batch with its derived fields filled in; the workers derive the next batch
        while the caller writes this one."""
        ahead = None
        for batch in batches:
            texts = [planned.text() for planned in batch]
            started = (batch, self.pool.map_async(_derive, texts, self.CHUNK) if self.pool else texts)
            if ahead is not None:
                yield self._fill(*ahead)
            ahead = started
        if ahead is not None:
            yield self._fill(*ahead)

    def _fill(self, batch: list[Planned], work) -> list[Planned]:
        results = work.get() if self.pool else map(_derive, work)
        for planned, derived in zip(batch, results, strict=True):
            planned.derive_from(derived)
        return batch


# --- the whole run ----------------------------------------------------------------------------------------------


def next_number() -> int:
    numbers = [
        int(match.group(1))
        for slug in Article.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True).iterator()
        if (match := SLUG_PATTERN.match(slug))
    ]
    return max(numbers, default=0) + 1


def generate(
    count: int,
    *,
    seed: int = 1,
    batch_size: int = 1000,
    overdue: float = 0.2,
    verify_every: int = 500,
    jobs: int = 1,
    log=print,
) -> dict:
    """Create `count` live articles; returns a summary (first and last slug, seconds, rate)."""
    started = time.monotonic()
    first = next_number()
    rng = random.Random(f"{seed}:{first}")
    pools = ensure_pools(rng, log=log)
    now = timezone.now()
    made, verified = 0, 0
    sizes = [min(batch_size, count - start) for start in range(0, count, batch_size)]

    def planned_batches():
        number = first
        for size in sizes:
            yield [plan_article(rng, number + i, pools, now, overdue) for i in range(size)]
            number += size

    with Deriver(jobs) as deriver:
        # Planned in order (the seed decides everything), derived by the workers a batch ahead.
        for batch in deriver.derived(planned_batches()):
            version_ids = write_batch(batch, rng)
            reset_queries()  # with DEBUG on, Django keeps every statement (here megabytes each) in memory
            if verify_every:
                for version in ArticleVersion.objects.filter(pk__in=version_ids[::verify_every]).select_related(
                    "article"
                ):
                    problems = verify_version(version)
                    if problems:
                        raise RuntimeError(f"{version.article.slug}: " + "; ".join(problems))
                    verified += 1
            made += len(batch)
            elapsed = time.monotonic() - started
            log(f"{made:,}/{count:,} articles ({made / elapsed:,.0f}/s, {elapsed:.0f} s)")
    elapsed = time.monotonic() - started
    # Bulk rows bypass the services, so empty the page cache outright (lists, search and sitemap changed).
    content_changed()
    return {
        "first": f"{SLUG_PREFIX}{first:06d}",
        "last": f"{SLUG_PREFIX}{first + count - 1:06d}",
        "seconds": elapsed,
        "per_second": count / elapsed if elapsed else 0,
        "verified": verified,
        "jobs": jobs,
    }
