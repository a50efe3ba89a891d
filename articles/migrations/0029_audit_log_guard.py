from django.db import migrations


def install(apps, schema_editor):
    from articles.models.audit import install_audit_guard

    install_audit_guard(schema_editor.connection)


class Migration(migrations.Migration):
    """The database refuses to change or delete an audit entry (articles/models/audit.py)."""

    dependencies = [("articles", "0028_remove_unused_search_vector")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
