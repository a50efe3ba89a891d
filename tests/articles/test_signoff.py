"""One sign-off rule for every kind of reviewed content (`articles.signoff`): the fingerprint
covers every part a reader is shown, and nobody signs off text their account created, edited,
submitted or proposed, whatever groups it holds."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from articles import services, signoff, supporting_text, workflow
from articles.models import FaqEntry, Person, Reference, VersionAuthor
from images.models import Image, VersionImage
from participation import answers
from participation.models import AnswerVersion, Question
from taxonomy.models import Cause, CauseGroup, Topic


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dual_role(db):
    """An account in both Editors and Medical reviewers, signing as Dr Dana Dual."""
    user = User.objects.create_user("dual", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Medical reviewers"))
    Person.objects.create(
        name="Dana Dual", slug="dana-dual", is_medical_reviewer=True, user=user, signing_confirmed_user=user
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def expert(db):
    return Person.objects.create(name="Eli Expert", slug="eli-expert", credentials="PT")


@pytest.fixture
def submitted_answer(editor, expert, topic):
    question = Question.objects.create(text="Do bananas stop cramps?")
    answers.accept_question(question=question, user=editor, topic=topic)
    version = answers.start_answer(question=question, answerer=expert, body="Probably not on their own.", user=editor)
    return answers.submit_answer(version=version, user=editor)


# --- own work, from every input ---------------------------------------------------------------


def test_a_dual_role_account_that_edited_an_answer_cannot_sign_it_off(dual_role, editor, expert, topic):
    question = Question.objects.create(text="Is magnesium worth trying?")
    answers.accept_question(question=question, user=editor, topic=topic)
    version = answers.start_answer(question=question, answerer=expert, body="Evidence is weak.", user=editor)
    response = signed_in(dual_role).post(
        reverse("admin:participation_answerversion_change", args=[version.pk]),
        {"answerer": expert.pk, "body": "Evidence is weak; try stretching."},
    )
    assert response.status_code == 302
    answers.submit_answer(version=version, user=editor)  # the editor submits what the dual account wrote
    version.refresh_from_db()

    page = signed_in(dual_role).get(reverse("admin:participation_answer_review", args=[version.pk])).content.decode()
    assert "Your account edited this answer, so you cannot sign this off." in page
    assert 'value="approve"' not in page
    with pytest.raises(workflow.NotAllowed, match="Your account edited this answer"):
        answers.approve_answer(
            version=version, reviewer=dual_role.person, seen_fingerprint=version.compute_fingerprint(), user=dual_role
        )
    version.refresh_from_db()
    assert version.status == AnswerVersion.Status.SUBMITTED


def test_a_dual_role_account_that_touched_a_proposal_cannot_sign_it_off_after_an_editor_changes_it(
    dual_role, editor, cause
):
    change = reverse("admin:taxonomy_cause_change", args=[cause.pk])
    form = {"name": cause.name, "slug": cause.slug, "group": cause.group_id}
    signed_in(dual_role).post(change, {**form, "description": "Losing more fluid than you take in."})
    signed_in(editor).post(change, {**form, "description": "Losing more fluid than you take in!"})
    cause.refresh_from_db()
    assert cause.pending_by == editor

    with pytest.raises(supporting_text.TextReviewError, match="Your account proposed or changed this text"):
        supporting_text.approve_text(obj=cause, user=dual_role, seen_fingerprint=cause.text_fingerprint())
    cause.refresh_from_db()
    assert cause.description == "" and cause.has_pending_text


def test_a_dual_role_account_that_edited_a_cited_library_source_cannot_sign_off_the_version(
    dual_role, editor, draft_factory, library_source, submit
):
    signed_in(dual_role).post(
        reverse("admin:references_source_change", args=[library_source.pk]),
        {
            "key": library_source.key,
            "kind": "journal",
            "authors": library_source.authors,
            "title": "Muscle cramps: a review that says what the article needs",
            "source": library_source.source,
            "year": 2005,
            "doi": library_source.doi,
        },
    )
    draft = draft_factory(body="Cramps at night are common [@miller2005].")
    draft.references.all().delete()
    version = submit(draft)
    assert [ref.key for ref in version.references.all()] == ["miller2005"]

    refusal = services.sign_off_refusal(version, dual_role.person, dual_role)
    assert (
        refusal
        == "Your account edited the library source [@miller2005] this version cites, so you cannot sign this off."
    )
    with pytest.raises(workflow.NotAllowed, match=r"edited the library source \[@miller2005\]"):
        services.approve_version(
            version=version, reviewer=dual_role.person, seen_fingerprint=version.compute_fingerprint(), user=dual_role
        )


def test_a_reviewer_who_did_not_touch_any_input_signs_off_each_kind(submitted_answer, reviewer, cause, editor):
    answers.approve_answer(
        version=submitted_answer,
        reviewer=reviewer.person,
        seen_fingerprint=submitted_answer.compute_fingerprint(),
        user=reviewer,
    )
    cause.propose_text({"description": "Too little water."}, user=editor, at=None)
    cause.save()
    supporting_text.approve_text(obj=cause, user=reviewer, seen_fingerprint=cause.text_fingerprint())
    cause.refresh_from_db()
    assert cause.description == "Too little water."


# --- the fingerprint covers every part a reader is shown --------------------------------------

ARTICLE_PARTS = {
    "title": lambda v: setattr_and_save(v, "title", "Another title"),
    "summary": lambda v: setattr_and_save(v, "summary", "Another summary."),
    "body": lambda v: setattr_and_save(v, "body", v.body + " More."),
    "image_credits": lambda v: setattr_and_save(v, "image_credits", "Photo: someone else"),
    "change_note": lambda v: setattr_and_save(v, "change_note", "Reworded."),
    "search_description": lambda v: setattr_and_save(v, "search_description", "Another description."),
    "social_image": lambda v: setattr_and_save(v, "social_image", "calf-2"),
    "authors": lambda v: VersionAuthor.objects.create(
        version=v, person=Person.objects.create(name="New Author", slug="new-author"), position=5
    ),
    "causes": lambda v: Cause.objects.filter(pk=v.cause_links.get().tag_id).update(name="Renamed cause"),
    "references": lambda v: Reference.objects.filter(version=v).update(title="Another title of the work"),
    "faq": lambda v: FaqEntry.objects.filter(version=v).update(answer="Another answer."),
    "images": lambda v: VersionImage.objects.filter(version=v).update(credit="Another credit"),
    "filed_under": lambda v: Topic.objects.filter(pk=v.article.topic_id).update(name="Another topic"),
}


def setattr_and_save(obj, name, value):
    setattr(obj, name, value)
    obj.save()


@pytest.fixture
def complete_draft(draft_factory):
    """A draft with every part a version can show: FAQ, a picture, a change note."""
    draft = draft_factory()
    FaqEntry.objects.create(version=draft, question="Is it serious?", answer="Rarely.", position=0)
    image = Image.objects.create(
        key="calf", file="images/calf.png", sha256="a" * 64, width=10, height=10, format="PNG", alt_text="A calf"
    )
    VersionImage.objects.create(
        version=draft, image=image, position=0, key="calf", sha256=image.sha256, alt_text="A calf", credit="Photo: us"
    )
    draft.change_note = "First."
    draft.search_description = "Why calves cramp at night."
    draft.social_image = "calf"
    draft.save()
    return draft


def test_the_article_fingerprint_test_covers_every_part_of_the_snapshot(complete_draft):
    assert set(complete_draft.review_snapshot()) == set(ARTICLE_PARTS)


@pytest.mark.parametrize("part", sorted(ARTICLE_PARTS))
def test_changing_any_part_of_an_article_version_changes_its_fingerprint(part, complete_draft):
    before = signoff.fingerprint(complete_draft)
    ARTICLE_PARTS[part](complete_draft)
    complete_draft.refresh_from_db()
    assert signoff.fingerprint(complete_draft) != before


ANSWER_PARTS = {
    "question": lambda a: Question.objects.filter(pk=a.question_id).update(text="Another question?"),
    "body": lambda a: AnswerVersion.objects.filter(pk=a.pk).update(body="Another answer."),
    "answerer": lambda a: Person.objects.filter(pk=a.answerer_id).update(credentials="MD"),
}


def test_the_answer_fingerprint_test_covers_every_part_of_the_snapshot(submitted_answer):
    assert set(submitted_answer.review_snapshot()) == set(ANSWER_PARTS)


@pytest.mark.parametrize("part", sorted(ANSWER_PARTS))
def test_changing_any_part_of_an_answer_changes_its_fingerprint_and_refuses_the_sign_off(
    part, submitted_answer, reviewer
):
    seen = submitted_answer.compute_fingerprint()
    ANSWER_PARTS[part](submitted_answer)
    version = AnswerVersion.objects.select_related("question", "answerer").get(pk=submitted_answer.pk)
    assert version.compute_fingerprint() != seen
    with pytest.raises(workflow.StaleVersion):
        answers.approve_answer(version=version, reviewer=reviewer.person, seen_fingerprint=seen, user=reviewer)


@pytest.mark.parametrize(
    "model, field, value",
    [
        (Cause, "name", "Fluid loss"),
        (Cause, "description", "Too little water."),
        (CauseGroup, "name", "Everyday causes"),
        (Topic, "name", "Muscles"),
        (Person, "bio", "Writes about muscles."),
    ],
)
def test_a_proposal_fingerprint_covers_the_signed_off_and_the_proposed_text(
    model, field, value, cause, topic, writer, editor
):
    obj = {Cause: cause, CauseGroup: cause.group, Topic: topic, Person: writer}[model]
    obj.propose_text({field: value}, user=editor, at=None)
    proposed = obj.text_fingerprint()
    obj.propose_text({field: value + " More."}, user=editor, at=None)
    assert obj.text_fingerprint() != proposed
    setattr(obj, field, "Something else already published")
    assert obj.text_fingerprint() != proposed


def test_one_module_compares_fingerprints():
    """`git grep`: no second comparison of a fingerprint with what the reviewer saw."""
    import subprocess

    found = subprocess.run(
        ["git", "grep", "-nE", r"fingerprint(\(\))? *(!=|==) *(seen|version\.submitted)", "--", "*.py", ":!tests"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert found == []
