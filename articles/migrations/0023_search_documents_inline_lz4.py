from django.db import migrations


def rewrite_search_documents(apps, schema_editor):
    """Rewrite every search document so it takes the storage install_search_index now asks for
    (PostgreSQL: kept in the row, lz4-compressed); SQLite's FTS5 table is rebuilt alike."""
    from articles.search import install_search_index

    install_search_index(schema_editor.connection, rebuild=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_search_vocabulary_and_synonyms")]

    operations = [migrations.RunPython(rewrite_search_documents, migrations.RunPython.noop)]
