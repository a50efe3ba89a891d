"""Load editorial content from files: taxonomy, people, series and articles.

    fixtures/taxonomy.yaml   topics, cause_groups, causes
    fixtures/people.yaml     people
    fixtures/series.yaml     series
    fixtures/sources.yaml    the shared source library (key, kind, authors, title, ...), cited as [@key]
    fixtures/articles/*.md   one article each: YAML front matter, then the Markdown body

Articles go through the editorial services (draft, submit, sign-off), so every
imported article has a real approval with a fingerprint. Its history is dated as
the file says: created, submitted, signed off and live on `published_on` (the
first sign-off; never before it), then re-reviewed on `reviewed_on` if that is
later. Dates are ISO dates or relative to the day of loading ("120 days ago",
"today"), so demo content stays in date; no date may lie in the future. Records that already
exist (same slug) are kept as they are, so loading twice changes nothing. Any
bad record stops the whole load: nothing is written, and the error names the
file, the record and the field.
"""

import contextlib
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import services, workflow
from articles.models import Article, FaqEntry, Person, Reference, Series, VersionAuthor, VersionCause
from references.models import Source
from taxonomy.models import Cause, CauseGroup, Topic

ARTICLE_KEYS = {
    "slug", "title", "summary", "topic", "series", "part", "authors", "reviewer", "published_on",
    "reviewed_on", "causes", "image_credits", "references", "faq", "review_interval_months", "revision",
}  # fmt: skip
# `revision`: the article was changed once after its first sign-off. The file holds the text as it is
# now; `earlier_summary` and `earlier_without_faq` say how the first version differed.
REVISION_KEYS = {"signed_off_on", "change_note", "earlier_summary", "earlier_without_faq"}
REQUIRED_ARTICLE_KEYS = {"slug", "title", "summary", "topic", "authors", "reviewer", "reviewed_on"}
REFERENCE_KEYS = {*Reference.SNAPSHOT_FIELDS, "accessed"} - {"number"}  # numbered by their order in the file
RELATIVE_DATE = re.compile(r"^\s*(\d{1,5})\s+days?\s+ago\s*$")
SOURCE_KEYS = {"key", *Source.COPIED_FIELDS, "accessed"}


class ContentError(Exception):
    """One or more bad records; each message names file, record and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.kept
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.kept))
        return ", ".join(f"{kind}: {self.created.get(kind, 0)} new, {self.kept.get(kind, 0)} kept" for kind in kinds)


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.report = LoadReport()

    # --- reading -----------------------------------------------------------

    def _read_yaml(self, name: str, key: str) -> list[dict]:
        path = self.root / name
        if not path.exists():
            return []
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            self.problems.append(f"{path}: not valid YAML: {error}")
            return []
        records = data.get(key, []) if isinstance(data, dict) else None
        if not isinstance(records, list):
            self.problems.append(f"{path}: expected a list under '{key}'")
            return []
        return records

    def _read_article(self, path: Path) -> dict | None:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            self.problems.append(f"{path}: must start with YAML front matter between '---' lines")
            return None
        try:
            _, front, body = text.split("---", 2)
            meta = yaml.safe_load(front) or {}
        except (ValueError, yaml.YAMLError) as error:
            self.problems.append(f"{path}: front matter is not valid YAML: {error}")
            return None
        if not isinstance(meta, dict):
            self.problems.append(f"{path}: front matter must be a mapping of fields")
            return None
        meta["body"] = body.strip() + "\n"
        return meta

    # --- validation helpers ------------------------------------------------

    def _validate(self, instance, where: str, exclude: list[str] | None = None) -> bool:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = "record" if name == "__all__" else name
                self.problems.extend(f"{where}: {label}: {message}" for message in messages)
            return False
        return True

    def _lookup(self, model, slug, where: str, what: str):
        obj = model.objects.filter(slug=slug).first() if isinstance(slug, str) else None
        if obj is None:
            self.problems.append(f"{where}: {what}: no {model._meta.verbose_name} with slug {slug!r}")
        return obj

    # --- simple records ----------------------------------------------------

    def _upsert(self, model, records: list[dict], source: str, fields: tuple, resolve=None):
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                self.problems.append(
                    f"{self.root / source}: {model._meta.verbose_name} #{index + 1}: expected a mapping of fields"
                )
                continue
            where = f"{self.root / source}: {model._meta.verbose_name} #{index + 1} ({record.get('slug', '?')})"
            unknown = set(record) - set(fields)
            if unknown:
                self.problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
                continue
            values = {name: record[name] for name in fields if name in record and name != "slug"}
            if resolve:
                values = resolve(values, where)
                if values is None:
                    continue
            existing = model.objects.filter(slug=record.get("slug")).first()
            if existing is not None:
                self.report.count(model._meta.verbose_name_plural, created=False)
                continue
            instance = model(slug=record.get("slug", ""), **{k: v if v is not None else "" for k, v in values.items()})
            if self._validate(instance, where, exclude=["group"] if model is Cause else None):
                clash = model is Cause and Cause.objects.filter(name__iexact=instance.name).exists()
                if clash:
                    self.problems.append(
                        f"{where}: name: a cause named {instance.name!r} already exists (names ignore case)"
                    )
                    continue
                instance.save()
                self.report.count(model._meta.verbose_name_plural, created=True)

    def _load_sources(self, records: list) -> None:
        """Library entries by key: an existing key is kept as it is (loading twice changes nothing)."""
        for index, record in enumerate(records):
            where = f"{self.root / 'sources.yaml'}: source #{index + 1}"
            if not isinstance(record, dict):
                self.problems.append(f"{where}: expected a mapping of fields")
                continue
            where += f" ({record.get('key', '?')})"
            unknown = set(record) - SOURCE_KEYS
            if unknown:
                self.problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
                continue
            if Source.objects.filter(key=record.get("key")).exists():
                self.report.count("sources", created=False)
                continue
            values = {k: ("" if v is None else str(v)) for k, v in record.items() if k not in ("year", "accessed")}
            accessed = self._date(record["accessed"], where, "accessed") if record.get("accessed") else None
            if record.get("accessed") and accessed is None:
                continue
            source = Source(year=record.get("year"), accessed=accessed, **values)
            if self._validate(source, where):
                source.save()
                self.report.count("sources", created=True)

    def _resolve_cause(self, values: dict, where: str):
        group = self._lookup(CauseGroup, values.get("group"), where, "group")
        if group is None:
            return None
        return {**values, "group": group}

    def _person_values(self, values: dict, where: str):
        if "medical_reviewer" in values:
            values["is_medical_reviewer"] = bool(values.pop("medical_reviewer"))
        if "fictional" in values:
            values["is_fictional"] = bool(values.pop("fictional"))
        return values

    # --- articles ----------------------------------------------------------

    def _load_article(self, path: Path, meta: dict) -> None:
        where = f"{path}"
        unknown = set(meta) - ARTICLE_KEYS - {"body"}
        missing = REQUIRED_ARTICLE_KEYS - set(meta)
        if unknown:
            self.problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if missing:
            self.problems.append(f"{where}: missing field(s) {', '.join(sorted(missing))}")
        if unknown or missing:
            return
        where = f"{path} ({meta['slug']})"
        if Article.objects.filter(slug=meta["slug"]).exists():
            self.report.count("articles", created=False)
            return

        problems_before = len(self.problems)
        topic = self._lookup(Topic, meta["topic"], where, "topic")
        series = self._lookup(Series, meta["series"], where, "series") if meta.get("series") else None
        authors = [self._lookup(Person, slug, where, f"authors[{i}]") for i, slug in enumerate(meta["authors"] or [])]
        reviewer = self._lookup(Person, meta["reviewer"], where, "reviewer")
        causes = [self._lookup(Cause, slug, where, f"causes[{i}]") for i, slug in enumerate(meta.get("causes") or [])]
        reviewed_on = self._date(meta["reviewed_on"], where, "reviewed_on")
        published_on = self._date(meta.get("published_on") or meta["reviewed_on"], where, "published_on")
        if published_on and reviewed_on and published_on > reviewed_on:
            self.problems.append(
                f"{where}: published_on: {published_on} is after reviewed_on {reviewed_on}; "
                "an article is first published at its first sign-off, so it cannot be reviewed before"
            )
        revision = self._revision(meta.get("revision"), where, published_on, reviewed_on)
        if len(self.problems) > problems_before:
            return

        article = Article(
            slug=meta["slug"],
            topic=topic,
            series=series,
            part_number=meta.get("part"),
            review_interval_months=meta.get("review_interval_months"),
        )
        if not self._validate(article, where, exclude=["live_version", "last_reviewed_by"]):
            return
        signed_off_at = self._at_noon(published_on)
        with transaction.atomic():
            draft = services.create_article(
                article=article,
                title=meta["title"],
                summary=meta["summary"],
                user=workflow.SYSTEM,
                at=signed_off_at - datetime.timedelta(hours=3),
            )
            draft.body = meta["body"]
            draft.image_credits = meta.get("image_credits") or ""
            if revision and revision.get("earlier_summary"):
                draft.summary = revision["earlier_summary"]
            if not self._validate(draft, where):
                raise _Abandon
            draft.save()
            VersionAuthor.objects.bulk_create(
                VersionAuthor(version=draft, person=person, position=i) for i, person in enumerate(authors)
            )
            VersionCause.objects.bulk_create(VersionCause(content_object=draft, tag=cause) for cause in causes)
            if not self._load_references(draft, meta.get("references") or [], where):
                raise _Abandon
            dropped = set(revision.get("earlier_without_faq") or []) if revision else set()
            earlier_faq = [record for record in meta.get("faq") or [] if record.get("question") not in dropped]
            if not self._load_faq(draft, earlier_faq, where):
                raise _Abandon
            try:
                services.submit_version(
                    version=draft, user=workflow.SYSTEM, at=signed_off_at - datetime.timedelta(hours=2)
                )
                draft.refresh_from_db()
                services.approve_version(
                    version=draft,
                    reviewer=reviewer,
                    seen_fingerprint=draft.submitted_fingerprint,
                    user=workflow.SYSTEM,
                    at=signed_off_at,
                )
                if revision:
                    self._revise(Article.objects.get(pk=article.pk), meta, revision, reviewer, where)
                if reviewed_on > (revision["signed_off_on"] if revision else published_on):
                    live = Article.objects.select_related("live_version").get(pk=article.pk)
                    services.re_review_live_version(
                        article=live,
                        reviewer=reviewer,
                        seen_fingerprint=live.live_version.submitted_fingerprint,
                        user=workflow.SYSTEM,
                        at=self._at_noon(reviewed_on),
                    )
            except workflow.WorkflowError as error:
                self.problems.append(f"{where}: {error}")
                raise _Abandon from error
        self.report.count("articles", created=True)

    def _revision(self, record, where: str, published_on, reviewed_on) -> dict | None:
        if not record:
            return None
        here = f"{where}: revision"
        unknown = set(record) - REVISION_KEYS
        if unknown or not record.get("signed_off_on") or not str(record.get("change_note") or "").strip():
            self.problems.append(
                f"{here}: needs `signed_off_on` and `change_note`"
                + (f"; unknown field(s) {', '.join(sorted(unknown))}" if unknown else "")
            )
            return None
        on = self._date(record["signed_off_on"], here, "signed_off_on")
        if on is None:
            return None
        if published_on and reviewed_on and not published_on < on <= reviewed_on:
            self.problems.append(f"{here}: signed_off_on: {on} must be after published_on and not after reviewed_on")
            return None
        return {**record, "signed_off_on": on}

    def _revise(self, article, meta: dict, revision: dict, reviewer, where: str) -> None:
        """The second version: the file's text, with the editor's note, signed off on `revision.on`."""
        at = self._at_noon(revision["signed_off_on"])
        draft = services.start_draft(article=article, user=workflow.SYSTEM, at=at - datetime.timedelta(hours=3))
        draft.summary = meta["summary"]
        draft.change_note = str(revision["change_note"]).strip()
        if not self._validate(draft, f"{where}: revision"):
            raise _Abandon
        draft.save()
        draft.faq_entries.all().delete()
        if not self._load_faq(draft, meta.get("faq") or [], where):
            raise _Abandon
        services.submit_version(version=draft, user=workflow.SYSTEM, at=at - datetime.timedelta(hours=2))
        draft.refresh_from_db()
        services.approve_version(
            version=draft, reviewer=reviewer, seen_fingerprint=draft.submitted_fingerprint, user=workflow.SYSTEM, at=at
        )

    def _load_references(self, draft, records: list, where: str) -> bool:
        ok = True
        for number, record in enumerate(records, start=1):
            here = f"{where}: references[{number}]"
            unknown = set(record) - REFERENCE_KEYS
            if unknown:
                self.problems.append(f"{here}: unknown field(s) {', '.join(sorted(unknown))}")
                ok = False
                continue
            values = {k: ("" if v is None else str(v)) for k, v in record.items() if k not in ("year", "accessed")}
            accessed = self._date(record["accessed"], here, "accessed") if record.get("accessed") else None
            if record.get("accessed") and accessed is None:
                ok = False
                continue
            ref = Reference(version=draft, number=number, year=record.get("year"), accessed=accessed, **values)
            if self._validate(ref, here, exclude=["version"]):
                ref.save()
            else:
                ok = False
        return ok

    def _load_faq(self, draft, records: list, where: str) -> bool:
        ok = True
        for position, record in enumerate(records, start=1):
            entry = FaqEntry(
                version=draft, position=position, question=record.get("question", ""), answer=record.get("answer", "")
            )
            if self._validate(entry, f"{where}: faq[{position}]", exclude=["version"]):
                entry.save()
            else:
                ok = False
        return ok

    def _date(self, value, where: str, name: str) -> datetime.date | None:
        """A date: an ISO date, "today" or "N days ago" (counted from the day of loading); never in the future."""
        today = timezone.localdate()
        relative = RELATIVE_DATE.match(str(value))
        if isinstance(value, datetime.date):
            day = value
        elif str(value).strip() == "today":
            day = today
        elif relative:
            day = today - datetime.timedelta(days=int(relative.group(1)))
        else:
            try:
                day = datetime.date.fromisoformat(str(value))
            except ValueError:
                self.problems.append(f"{where}: {name}: {value!r} is not a date (YYYY-MM-DD, 'today' or 'N days ago')")
                return None
        if day > today:
            self.problems.append(f"{where}: {name}: {day} is in the future; history cannot be loaded ahead of time")
            return None
        return day

    @staticmethod
    def _at_noon(day: datetime.date) -> datetime.datetime:
        """Noon on `day` (local time), or now if that is still ahead: loaded history never lies in the future."""
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
        return min(noon, timezone.now())

    # --- the whole load ----------------------------------------------------

    def run(self) -> LoadReport:
        if not self.root.is_dir():
            raise ContentError([f"{self.root}: no such folder"])
        self._upsert(
            Topic,
            self._read_yaml("taxonomy.yaml", "topics"),
            "taxonomy.yaml",
            ("slug", "name", "description", "review_interval_months"),
        )
        groups = self._read_yaml("taxonomy.yaml", "cause_groups")
        for position, record in enumerate(groups):
            if isinstance(record, dict):
                record.setdefault("position", position)
        self._upsert(CauseGroup, groups, "taxonomy.yaml", ("slug", "name", "description", "position"))
        self._upsert(
            Cause,
            self._read_yaml("taxonomy.yaml", "causes"),
            "taxonomy.yaml",
            ("slug", "name", "group", "description"),
            self._resolve_cause,
        )
        self._upsert(
            Person,
            self._read_yaml("people.yaml", "people"),
            "people.yaml",
            ("slug", "name", "credentials", "bio", "profile_url", "medical_reviewer", "fictional"),
            self._person_values,
        )
        self._upsert(Series, self._read_yaml("series.yaml", "series"), "series.yaml", ("slug", "name", "description"))
        self._load_sources(self._read_yaml("sources.yaml", "sources"))
        for path in sorted((self.root / "articles").glob("*.md")):
            meta = self._read_article(path)
            if meta is None:
                continue
            with contextlib.suppress(_Abandon):  # its problems are recorded; go on to report the rest
                self._load_article(path, meta)
        if self.problems:
            raise ContentError(self.problems)
        return self.report


class _Abandon(Exception):
    """Internal: this article had problems; its partial rows are rolled back."""


def load_content(root: Path, *, dry_run: bool = False) -> LoadReport:
    """Load every record under `root` in one transaction; raise ContentError on any bad record."""
    with transaction.atomic():
        report = _Loader(Path(root)).run()
        if dry_run:
            transaction.set_rollback(True)
    return report
