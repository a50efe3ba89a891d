"""Database triggers that refuse changes to signed-off content and to review history (articles/immutability.py)."""

from django.db import migrations


def install_guards(apps, schema_editor):
    from articles.immutability import install_guards

    install_guards(schema_editor.connection)


def drop_guards(apps, schema_editor):
    from articles.immutability import drop_guards

    drop_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_related_indexes"),
    ]

    operations = [
        migrations.RunPython(install_guards, drop_guards, elidable=False),
    ]
