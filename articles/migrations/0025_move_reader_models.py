"""HelpfulVote and its read-only admin proxy ArticleFeedback move to the public site's app
(reader/models.py). Only Django's idea of where they live changes here: the table
articles_helpfulvote and its rows stay as they are, and reader/migrations/0001_initial.py takes
them over with their content types (so permissions and admin log entries follow)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_person_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ArticleFeedback"),
                migrations.DeleteModel(name="HelpfulVote"),
            ],
            database_operations=[],
        ),
    ]
