import django.db.models.deletion
from django.db import migrations, models

from participation.immutability import install_in_migration


class Migration(migrations.Migration):
    """Answer reviews refuse DELETE as well as UPDATE; story edits refuse UPDATE, and DELETE while
    their story exists (the database deletes them with their story)."""

    dependencies = [("participation", "0008_used_form_tokens")]

    operations = [
        migrations.AlterField(
            model_name="storyedit",
            name="story",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="edits", to="participation.story"
            ),
        ),
        migrations.RunPython(install_in_migration, migrations.RunPython.noop),
    ]
