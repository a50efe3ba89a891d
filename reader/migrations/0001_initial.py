"""HelpfulVote and ArticleFeedback (a proxy), moved here from articles
(articles/migrations/0025_move_reader_models.py) with their table, rows and content types.

The table keeps its name (articles_helpfulvote, `db_table`): nothing in the database changes but
the content types' app label, so the permissions on them (the editors' and medical reviewers'
view_articlefeedback) and the admin's log entries follow the models."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("helpfulvote", "articlefeedback")


def _merge(apps, db, stray, moving):
    """`stray` (reader's content type, made while the models were still the editorial core's, e.g.
    by a post_migrate after migrating back) gives its permission grants and log entries to
    `moving` (the one with the models' history), then goes."""
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    LogEntry = apps.get_model("admin", "LogEntry")
    for permission in Permission.objects.using(db).filter(content_type=stray):
        kept = Permission.objects.using(db).filter(content_type=moving, codename=permission.codename).first()
        if kept is None:
            permission.content_type = moving
            permission.save(update_fields=["content_type"])
            continue
        for through, owner in ((Group.permissions.through, "group_id"), (User.user_permissions.through, "user_id")):
            granted = list(through.objects.using(db).filter(permission=kept).values_list(owner, flat=True))
            through.objects.using(db).filter(permission=permission).exclude(**{f"{owner}__in": granted}).update(
                permission=kept
            )
        permission.delete()
    LogEntry.objects.using(db).filter(content_type=stray).update(content_type=moving)
    stray.delete()


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        moving = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if moving is None:  # never made (content types are made after migrate): nothing to carry
            continue
        stray = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if stray is not None:
            _merge(apps, db, stray, moving)
        moving.app_label = target
        moving.save(update_fields=["app_label"])


def to_reader(apps, schema_editor):
    _move_content_types(apps, schema_editor, "articles", "reader")


def to_articles(apps, schema_editor):
    _move_content_types(apps, schema_editor, "reader", "articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0025_move_reader_models"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ArticleFeedback",
                    fields=[],
                    options={
                        "verbose_name": "helpful votes per article",
                        "verbose_name_plural": "helpful votes per article",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("articles.article",),
                ),
                migrations.CreateModel(
                    name="HelpfulVote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "voter",
                            models.CharField(
                                editable=False,
                                help_text="HMAC-SHA-256 of the browser's random voter token (never the token).",
                                max_length=64,
                            ),
                        ),
                        ("helpful", models.BooleanField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="helpful_votes",
                                to="articles.article",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_helpfulvote",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("article", "voter"), name="articles_one_vote_per_browser_per_article"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_reader, to_articles),
    ]
