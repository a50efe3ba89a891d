"""Props shared by the editorial core's tests."""

import pytest
from django.contrib.auth.models import Group, User

from articles import services
from articles.models import Person


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


@pytest.fixture
def second_reviewer(db):
    """Dr Dee Park, a second medical reviewer, with an email address."""
    user = User.objects.create_user("second_reviewer", password="pw", is_staff=True, email="dee@example.org")
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    Person.objects.create(
        name="Dee Park",
        slug="dee-park",
        credentials="MD",
        is_medical_reviewer=True,
        user=user,
        signing_confirmed_user=user,
    )
    return User.objects.get(pk=user.pk)
