from django.db import migrations


class Migration(migrations.Migration):
    """Synonym and VocabularyWord now belong to the search app (search/migrations/0001_initial):
    removed from this app's state only; their tables stay as they are."""

    dependencies = [("articles", "0026_move_references_models")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Synonym"), migrations.DeleteModel(name="VocabularyWord")],
            database_operations=[],
        ),
    ]
