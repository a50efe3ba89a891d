"""The search index weighs a version's headings and FAQ questions with its summary (B), above
its body (C): the triggers are replaced and every document is rewritten."""

from django.db import migrations


def forwards(apps, schema_editor):
    from search.index import install_search_index

    install_search_index(schema_editor.connection, rebuild=True)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("articles", "0028_remove_unused_search_vector"),
    ]

    # Back: the documents keep their headings' weight (search reads them the same way), and the
    # articles migrations below reinstall the index they knew.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
