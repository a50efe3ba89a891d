"""The search app's models came from the articles app with their tables and permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from articles.importing import load_content
from search.models import Synonym, VocabularyWord
from tests.production import ROOT


@pytest.mark.django_db(transaction=True)
def test_moving_the_search_models_keeps_their_rows_and_the_editors_grants(editorial_groups):
    load_content(ROOT / "fixtures")
    Synonym.objects.create(words="leg knot", same_as="muscle cramp")
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="search", codename__endswith="_synonym"))
    synonyms = set(Synonym.objects.values_list("words", "same_as"))
    words = VocabularyWord.objects.count()
    assert synonyms and words

    call_command("migrate", "search", "zero", verbosity=0)  # back: the models belong to articles again
    assert set(ContentType.objects.filter(model="synonym").values_list("app_label", flat=True)) == {"articles"}
    assert editors.permissions.filter(codename="change_synonym", content_type__app_label="articles").exists()

    call_command("migrate", verbosity=0)
    # every row kept (migrating forward again also puts back any starter synonym a test flush removed)
    assert synonyms <= set(Synonym.objects.values_list("words", "same_as"))
    assert VocabularyWord.objects.count() == words
    assert set(ContentType.objects.filter(model="synonym").values_list("app_label", flat=True)) == {"search"}
    assert editors.permissions.filter(codename="change_synonym", content_type__app_label="search").exists()
    assert Synonym.objects.filter(words="leg knot").exists()
