"""Source and LinkCheck join this app from articles, with their tables as they are.

State only: the tables were made by articles (0009_link_checks, 0014_source_library)
and keep their names (Meta.db_table); articles 0026_move_references_models drops the
models from its own state and moves their content types (and so every permission
granted on them) to this app.
"""

import re

import django.core.validators
import django.db.models.functions.text
from django.db import migrations, models

import references.validators


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0024_person_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LinkCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("url", models.URLField(max_length=500, unique=True)),
                        (
                            "status",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="HTTP status of the last response; empty when there was none.",
                                null=True,
                            ),
                        ),
                        (
                            "final_url",
                            models.URLField(
                                blank=True, help_text="Where the redirects, if any, ended.", max_length=2000
                            ),
                        ),
                        (
                            "error",
                            models.CharField(blank=True, help_text="Why there was no response.", max_length=200),
                        ),
                        ("checked_at", models.DateTimeField()),
                    ],
                    options={
                        "verbose_name": "reference link check",
                        "db_table": "articles_linkcheck",
                        "ordering": ["url"],
                    },
                ),
                migrations.CreateModel(
                    name="Source",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                help_text="Cite it in a body or FAQ answer as [@key], several as [@key1; @key2].",
                                max_length=60,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        re.compile("^[a-z][a-z0-9_-]*$"),
                                        "A key is lower-case letters, digits, - and _, starting with a letter (e.g. maquirriain2007).",
                                    )
                                ],
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("journal", "Journal article"),
                                    ("book", "Book"),
                                    ("web", "Web page"),
                                    ("guideline", "Guideline"),
                                ],
                                default="journal",
                                max_length=12,
                            ),
                        ),
                        (
                            "authors",
                            models.CharField(
                                blank=True, help_text='Vancouver style: "Miller TM, Layzer RB".', max_length=500
                            ),
                        ),
                        ("title", models.CharField(max_length=500)),
                        (
                            "source",
                            models.CharField(
                                blank=True,
                                help_text="Journal, or publisher / website.",
                                max_length=300,
                                verbose_name="journal or publisher",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("volume", models.CharField(blank=True, max_length=20)),
                        ("issue", models.CharField(blank=True, max_length=20)),
                        ("pages", models.CharField(blank=True, max_length=30)),
                        (
                            "url",
                            models.URLField(
                                blank=True,
                                max_length=500,
                                validators=[
                                    django.core.validators.URLValidator(
                                        message="Enter a web address starting with http:// or https://.",
                                        schemes=["http", "https"],
                                    )
                                ],
                            ),
                        ),
                        (
                            "pmid",
                            models.CharField(
                                blank=True,
                                max_length=12,
                                validators=[references.validators.validate_pmid],
                                verbose_name="PMID",
                            ),
                        ),
                        (
                            "doi",
                            models.CharField(
                                blank=True,
                                max_length=200,
                                validators=[references.validators.validate_doi],
                                verbose_name="DOI",
                            ),
                        ),
                        (
                            "accessed",
                            models.DateField(blank=True, help_text="For web pages: when the page was read.", null=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "source",
                        "db_table": "articles_source",
                        "ordering": ["key"],
                        "constraints": [
                            models.UniqueConstraint(
                                django.db.models.functions.text.Lower("doi"),
                                condition=models.Q(("doi", ""), _negated=True),
                                name="articles_source_doi_unique",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("pmid", ""), _negated=True),
                                fields=("pmid",),
                                name="articles_source_pmid_unique",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("url", ""), _negated=True),
                                fields=("url",),
                                name="articles_source_url_unique",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
