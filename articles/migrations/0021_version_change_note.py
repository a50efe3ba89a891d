"""The editor's one-line "what changed" note, part of the signed version.

SQLite adds a NOT NULL column by rebuilding the table, and the immutability guards on other
tables name articles_articleversion, so on SQLite they are dropped around the rebuild and put
back in the same transaction (as `guards_suspended` does); PostgreSQL adds the column in place.

Migrating back would drop the column, and with it notes that reviewers signed off: refused while
any signed-off version has one (a signed-off version never changes).
"""

from django.db import migrations, models


def _drop_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from articles.immutability import drop_guards

        drop_guards(schema_editor.connection)


def _install_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from articles.immutability import install_guards

        install_guards(schema_editor.connection)


def _refuse_to_drop_signed_notes(apps, schema_editor):
    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    signed = ArticleVersion.objects.filter(status="approved").exclude(change_note="").count()
    if signed:
        raise RuntimeError(
            f"{signed} signed-off version(s) have a 'what changed' note; migrating back would erase signed-off text."
        )
    _drop_on_sqlite(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_redirect_help_text"),
    ]

    operations = [
        migrations.RunPython(_drop_on_sqlite, _install_on_sqlite),
        migrations.AddField(
            model_name="articleversion",
            name="change_note",
            field=models.CharField(
                blank=True,
                help_text="One line for readers' Review history: what this version changes. Required from the "
                "second signed-off version on; reviewed and signed off with the text.",
                max_length=200,
                verbose_name="what changed",
            ),
        ),
        migrations.RunPython(_install_on_sqlite, _refuse_to_drop_signed_notes),
    ]
