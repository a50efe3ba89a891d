"""Props shared by the editorial core's tests."""

import pytest

from articles import services


@pytest.fixture
def two_versions(publish, editor, submit, approve):
    """v1 ("Rest helps") was live; v2 ("Stretch helps") is live now."""
    article = publish(slug="cramps", title="Cramps", body="Rest helps [@1].")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Stretch helps [@1]."
    draft.save()
    approve(submit(draft))
    article.refresh_from_db()
    return article, article.versions.get(number=1), article.versions.get(number=2)
