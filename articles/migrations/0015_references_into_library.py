"""Numbered references move into the shared source library.

Every reference row of every version becomes (or finds) its library entry, one
per work (same DOI in any case, PMID or URL; with none of those, the same kind,
title and year): the demo content's 26 rows become 6 sources. Drafts and
sent-back versions are then rewritten to cite by key ([@1,3] -> [@key1; @key3])
and renumbered by first citation. Submitted and signed-off versions are left
exactly as they are (their fingerprints hold); a new draft of one is moved onto
keys by `start_draft`. Editors may add and change sources; reviewers view them.
"""

from django.db import migrations
from django.db.models import F

from references.keys import cited_keys, identities, rekey, suggest_key

FIELDS = ("kind", "authors", "title", "source", "year", "volume", "issue", "pages", "url", "pmid", "doi", "accessed")
LIBRARY_GROUPS = {
    "Editors": ["add_source", "change_source", "view_source"],
    "Medical reviewers": ["view_source"],
}
EDITABLE = ("draft", "sent_back")


def fill_library(apps, schema_editor):
    Source = apps.get_model("articles", "Source")
    Reference = apps.get_model("articles", "Reference")
    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    FaqEntry = apps.get_model("articles", "FaqEntry")

    by_identity = {}
    for source in Source.objects.all():
        for identity in identities({name: getattr(source, name) for name in FIELDS}):
            by_identity[identity] = source
    taken = set(Source.objects.values_list("key", flat=True))

    key_of = {}  # reference id -> library key
    for ref in Reference.objects.order_by("version_id", "number"):
        fields = {name: getattr(ref, name) for name in FIELDS}
        found = identities(fields)
        source = next((by_identity[i] for i in found if i in by_identity), None)
        if source is None:
            source = Source.objects.create(key=suggest_key(fields, taken), **fields)
            taken.add(source.key)
        for identity in found:
            by_identity.setdefault(identity, source)
        key_of[ref.pk] = source.key

    for version in ArticleVersion.objects.filter(status__in=EDITABLE):
        refs = list(Reference.objects.filter(version=version).order_by("number"))
        if not refs:
            continue
        keys = {ref.number: key_of[ref.pk] for ref in refs}
        body = rekey(version.body, keys)
        ArticleVersion.objects.filter(pk=version.pk).update(body=body)
        answers = []
        for entry in FaqEntry.objects.filter(version=version).order_by("position", "id"):
            answer = rekey(entry.answer, keys)
            FaqEntry.objects.filter(pk=entry.pk).update(answer=answer)
            answers.append(answer)
        order = {key: n for n, key in enumerate(cited_keys([body, *answers]), start=1)}
        # Renumber by first citation (uncited ones last; the next save drops them with a warning).
        Reference.objects.filter(version=version).update(number=F("number") + 10_000)
        next_number = len(order) + 1
        for ref in refs:
            key = key_of[ref.pk]
            number = order.get(key)
            if number is None or Reference.objects.filter(version=version, number=number).exists():
                number, next_number = next_number, next_number + 1
            Reference.objects.filter(pk=ref.pk).update(number=number, key=key)


def grant_library(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in LIBRARY_GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_source_library"),
    ]

    operations = [
        migrations.RunPython(fill_library, migrations.RunPython.noop),
        migrations.RunPython(grant_library, migrations.RunPython.noop),
    ]
