from django.db import migrations, transaction


def rewrite_search_documents(apps, schema_editor):
    """Rewrite every search document so it takes the storage the index now asks for (kept in
    the row, lz4-compressed where the server has lz4).

    The column change (a brief exclusive lock) commits first; the rewrite (minutes at 100k
    articles) is one transaction of its own, during which searches read the old documents."""
    from articles.migrations._search_index_sql import install as install_search_index

    connection = schema_editor.connection
    install_search_index(connection)
    with transaction.atomic(using=connection.alias):
        install_search_index(connection, rebuild=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("articles", "0022_search_vocabulary_and_synonyms")]

    operations = [migrations.RunPython(rewrite_search_documents, migrations.RunPython.noop)]
