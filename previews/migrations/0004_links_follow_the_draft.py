from django.db import migrations, models

HELP = (
    "Shows the draft as it is now, through later saves; a pinned link (unticked) shows only the text it was "
    "made for and stops working at the next save."
)


class Migration(migrations.Migration):
    """Links made before keep the promise they were made with (any change ends them): pinned. New links follow."""

    dependencies = [
        ("previews", "0003_link_views"),
    ]

    operations = [
        migrations.AddField(
            model_name="previewlink",
            name="follows_draft",
            field=models.BooleanField(default=False, help_text=HELP, verbose_name="follows the draft"),
        ),
        migrations.AlterField(
            model_name="previewlink",
            name="follows_draft",
            field=models.BooleanField(default=True, help_text=HELP, verbose_name="follows the draft"),
        ),
    ]
