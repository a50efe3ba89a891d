"""The source library's entries (references/models.py): one entry per work."""

import pytest
from django.core.exceptions import ValidationError

from references.models import Source

pytestmark = pytest.mark.django_db


def test_the_library_refuses_a_second_entry_for_the_same_work_and_names_the_first(library_source, second_source):
    for field, value in [("doi", "10.1002/MUS.20341"), ("pmid", "17602031")]:
        duplicate = Source(key="again", title="Copy", **{field: value})
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "already in the library as [@" in str(error.value.message_dict[field])
    Source.objects.create(key="medline", kind="web", title="Cramps", url="https://medlineplus.gov/cramps")
    with pytest.raises(ValidationError) as error:
        Source(key="medline2", kind="web", title="Cramps", url="https://medlineplus.gov/cramps/").full_clean()
    assert "[@medline]" in str(error.value.message_dict["url"])
    with pytest.raises(ValidationError):
        Source(key="9bad key", title="x").full_clean()
