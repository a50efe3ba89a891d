"""A sign-off always names who really gave it, and nobody reviews their own work. Re-linking a
reviewer's person to another account to sign off under their name is refused at every step."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from articles import identity, lifecycle, services, workflow
from articles.models import Article, ArticleVersion, AuditEntry, Person, Review
from tests.conftest import make_user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cast(db, editor, draft_factory):
    """Helena: the assigned reviewer. Tomás: writes and reviews (both groups), byline of the version."""
    helena_account = make_user("helena", "Medical reviewers")
    helena = Person.objects.create(
        name="Helena Marsh",
        slug="helena-marsh",
        credentials="MD",
        is_medical_reviewer=True,
        user=helena_account,
        signing_confirmed_user=helena_account,
    )
    tomas_account = make_user("tomas", "Editors")
    tomas_account.groups.add(Group.objects.get(name="Medical reviewers"))
    tomas = Person.objects.create(
        name="Tomás Reyes",
        slug="tomas-reyes",
        credentials="MD",
        is_medical_reviewer=True,
        user=tomas_account,
        signing_confirmed_user=tomas_account,
    )
    version = draft_factory(slug="night-cramps", author=tomas)
    lifecycle.assign_reviewer(article=version.article, reviewer=helena, user=editor)
    services.submit_version(version=version, user=editor)
    version.refresh_from_db()
    return {"helena": helena, "tomas": tomas, "tomas_account": tomas_account, "version": version}


def person_post(person: Person, **changes) -> dict:
    data = {"name": person.name, "slug": person.slug, "credentials": person.credentials, "bio": "", "profile_url": ""}
    if person.is_medical_reviewer:
        data["is_medical_reviewer"] = "on"
    if person.user_id:
        data["user"] = person.user_id
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def approve_as(client: Client, version: ArticleVersion):
    return client.post(
        reverse("admin:articles_articleversion_review", args=[version.pk]),
        {"decision": "approve", "fingerprint": version.submitted_fingerprint},
    )


def test_the_attack_from_the_issue_is_refused_at_every_step(cast, editor):
    helena, tomas, tomas_account, version = cast["helena"], cast["tomas"], cast["tomas_account"], cast["version"]
    as_editor = signed_in(editor)

    # 1. The editor unlinks Tomás's person from his account: the field is read-only to editors.
    as_editor.post(reverse("admin:articles_person_change", args=[tomas.pk]), person_post(tomas, user=None))
    assert Person.objects.get(pk=tomas.pk).user == tomas_account

    # 2. ... and links Helena's person to Tomás's account: refused the same way.
    as_editor.post(
        reverse("admin:articles_person_change", args=[helena.pk]), person_post(helena, user=tomas_account.pk)
    )
    assert Person.objects.get(pk=helena.pk).user.username == "helena"
    assert not AuditEntry.objects.exists()  # nothing changed, nothing to record

    # 3. Suppose the links were changed anyway, by a route the admin does not guard (a shell).
    Person.objects.filter(pk=tomas.pk).update(user=None)
    Person.objects.filter(pk=helena.pk).update(user=tomas_account)

    # 4. Tomás signs in; the review page names the person and the account, and says the link is unconfirmed.
    as_tomas = signed_in(User.objects.get(pk=tomas_account.pk))
    page = as_tomas.get(reverse("admin:articles_articleversion_review", args=[version.pk])).content.decode()
    assert "Signing as <strong>Helena Marsh, MD</strong>, account <strong>tomas</strong>" in page
    assert "has not been confirmed by a superuser" in page

    # 5. He signs off: refused, nothing goes live, no review is recorded.
    response = approve_as(as_tomas, version)
    assert response.status_code == 400
    assert "a superuser has not confirmed it" in response.content.decode()
    assert ArticleVersion.objects.get(pk=version.pk).status == "submitted"
    assert not Review.objects.exists()
    assert Article.objects.get(pk=version.article_id).live_version is None


def test_a_confirmed_link_still_cannot_sign_the_accounts_own_work(cast):
    """Even a superuser's mistaken confirmation does not let Tomás sign a version his account edited."""
    helena, tomas_account, version = cast["helena"], cast["tomas_account"], cast["version"]
    version.editors.add(tomas_account)  # he wrote it (the admin records each save)
    Person.objects.filter(pk=cast["tomas"].pk).update(user=None)
    Person.objects.filter(pk=helena.pk).update(user=tomas_account, signing_confirmed_user=tomas_account)
    response = approve_as(signed_in(User.objects.get(pk=tomas_account.pk)), version)
    assert "Your account edited this version, so you cannot sign this off" in response.content.decode()
    assert ArticleVersion.objects.get(pk=version.pk).status == "submitted"


def test_only_a_superuser_changes_links_and_reviewer_status_and_every_change_is_audited(cast, django_user_model):
    helena, tomas, tomas_account = cast["helena"], cast["tomas"], cast["tomas_account"]
    root = django_user_model.objects.create_superuser("root", password="pw")
    as_root = signed_in(root)

    as_root.post(reverse("admin:articles_person_change", args=[tomas.pk]), person_post(tomas, user=None))
    as_root.post(reverse("admin:articles_person_change", args=[helena.pk]), person_post(helena, user=tomas_account.pk))
    helena.refresh_from_db()
    assert helena.user == tomas_account and not helena.account_link_confirmed

    entries = list(AuditEntry.objects.order_by("id").values_list("kind", "object_repr", "before", "after", "username"))
    tomas_link = {"user_id": tomas_account.pk, "username": "tomas"}
    no_link = {"user_id": None, "username": None}
    helena_link = {"user_id": helena.signing_confirmed_user_id, "username": "helena"}
    assert entries == [
        ("account_link", "Tomás Reyes, MD", tomas_link, no_link, "root"),
        ("account_link", "Helena Marsh, MD", helena_link, tomas_link, "root"),
    ]

    # Until a superuser confirms the new link, it signs nothing.
    with pytest.raises(workflow.NotAllowed, match="not confirmed"):
        services.send_back_version(
            version=cast["version"], reviewer=helena, comment="No.", user=User.objects.get(pk=tomas_account.pk)
        )
    as_root.post(
        reverse("admin:articles_person_changelist"),
        {"action": "confirm_account_links", "_selected_action": [helena.pk], "index": 0},
    )
    helena.refresh_from_db()
    assert helena.account_link_confirmed
    assert AuditEntry.objects.latest("id").kind == "link_confirmed"

    as_root.post(
        reverse("admin:articles_person_change", args=[helena.pk]), person_post(helena, is_medical_reviewer=None)
    )
    assert not Person.objects.get(pk=helena.pk).is_medical_reviewer
    assert AuditEntry.objects.latest("id").after == {"is_medical_reviewer": False}


def test_the_services_refuse_identity_changes_without_the_permission(cast, editor):
    with pytest.raises(identity.IdentityError):
        identity.change_signing_identity(person=cast["helena"], user=editor, account=None)
    with pytest.raises(identity.IdentityError):
        identity.change_signing_identity(person=cast["tomas"], user=editor, is_medical_reviewer=False)
    with pytest.raises(identity.IdentityError):
        identity.confirm_account_link(person=cast["helena"], user=editor)
    assert not AuditEntry.objects.exists()


def test_audit_entries_are_append_only(cast, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    identity.change_signing_identity(person=cast["tomas"], user=root, is_medical_reviewer=False)
    entry = AuditEntry.objects.get()
    entry.comment = "rewritten"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        entry.delete()


@pytest.mark.parametrize("how", ["created", "edited", "submitted", "byline"])
def test_an_account_with_both_roles_never_signs_off_its_own_work(how, cast, editor, reviewer):
    """However the groups are combined: the account created, edited or submitted it, or its person is in the byline."""
    version, tomas_account = cast["version"], cast["tomas_account"]
    services.withdraw_version(version=version, user=editor)
    version = ArticleVersion.objects.get(pk=version.pk)
    version.author_links.all().delete()
    version.author_links.create(person=reviewer.person)  # someone else's byline
    ArticleVersion.objects.filter(pk=version.pk).update(created_by=None)
    version.editors.clear()
    lifecycle.assign_reviewer(article=version.article, reviewer=None, user=editor)
    if how == "created":
        ArticleVersion.objects.filter(pk=version.pk).update(created_by=tomas_account)
    elif how == "edited":
        signed_in(tomas_account).post(
            reverse("admin:articles_articleversion_change", args=[version.pk]),
            {
                "title": "Tomás's words",
                "summary": version.summary,
                "body": version.body,
                "image_credits": "",
                "revision_seen": version.revision,
                **{
                    f"{prefix}-{key}": value
                    for prefix in ("author_links", "cause_links", "references", "faq_entries")
                    for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0), ("MAX_NUM_FORMS", 1000))
                },
            },
        )
        assert ArticleVersion.objects.get(pk=version.pk).title == "Tomás's words"
    elif how == "byline":
        version.author_links.create(person=cast["tomas"], position=1)
    submitter = tomas_account if how == "submitted" else editor
    version = services.submit_version(version=ArticleVersion.objects.get(pk=version.pk), user=submitter)
    with pytest.raises(workflow.NotAllowed):
        services.approve_version(
            version=version,
            reviewer=cast["tomas"],
            seen_fingerprint=version.submitted_fingerprint,
            user=User.objects.get(pk=tomas_account.pk),
        )
    # The same version is fine for a reviewer who did not work on it.
    services.approve_version(
        version=version,
        reviewer=cast["helena"],
        seen_fingerprint=version.submitted_fingerprint,
        user=cast["helena"].user,
    )


def test_the_demo_setup_links_confirms_and_audits_its_reviewers(db):
    from django.core.management import call_command

    for name, slug in [("Helena Marsh", "helena-marsh"), ("Tomás Reyes", "tomas-reyes")]:
        Person.objects.create(name=name, slug=slug)
    call_command("setup_demo", "--force", stdout=io.StringIO())
    helena = Person.objects.get(slug="helena-marsh")
    assert helena.user.username == "reviewer" and helena.is_medical_reviewer and helena.account_link_confirmed
    kinds = AuditEntry.objects.filter(object_id=helena.pk).values_list("kind", "username")
    assert sorted(kinds) == [("account_link", "system"), ("link_confirmed", "system"), ("reviewer_status", "system")]
