"""Every admin and public action against every role, judged by what actually changed on
the server (not by which buttons show). Prints the matrix; any cell off expectation fails."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, services, workflow
from articles.models import Article, ArticleVersion, Person, Review, VersionAuthor
from participation import answers
from participation.models import AnswerVersion, Prompt, Question, Story, StoryEdit
from references.models import Source
from taxonomy.models import Cause
from tests.conftest import make_user

ROLES = [
    "anonymous",
    "editor",
    "second_editor",
    "reviewer",
    "author_reviewer",
    "editor_reviewer",  # holds both groups
    "superuser",
    "super_reviewer",  # a superuser who is also a confirmed medical reviewer
    "moderator",  # Moderators: readers' stories only
]
A, D = "allow", "deny"


@dataclass
class State:
    live: Article
    draft: ArticleVersion
    submitted: ArticleVersion
    topic_id: int
    group_id: int
    pending_story: Story
    approved_story: Story
    new_question: Question
    submitted_answer: AnswerVersion


def build_state(publish, draft_factory, submit, author: Person, reviewer: Person) -> State:
    """Everything an action needs; every version is co-written by `author` (the author_reviewer);
    `reviewer` signs off the live one."""

    def with_author(version):
        VersionAuthor.objects.create(version=version, person=author, position=9)
        return version

    live_draft = with_author(draft_factory(slug="live-one", title="Live one"))
    submit(live_draft)
    live_draft.refresh_from_db()
    services.approve_version(
        version=live_draft, reviewer=reviewer, seen_fingerprint=live_draft.submitted_fingerprint, user=workflow.SYSTEM
    )
    draft = with_author(draft_factory(slug="a-draft", title="A draft"))
    submitted = submit(with_author(draft_factory(slug="submitted", title="Submitted")))
    live = Article.objects.get(slug="live-one")
    prompt = Prompt.objects.create(text="What treatment did you use?", slug="treatment")
    prompt.topics.add(live.topic)

    def story(status):
        return Story.objects.create(
            article=live, prompt=prompt, display_name="Sam", text="Stretching helped.", consent=True, status=status
        )

    return State(
        live=live,
        draft=draft,
        submitted=submitted,
        topic_id=live.topic_id,
        group_id=Cause.objects.get().group_id,
        pending_story=story(Story.Status.PENDING),
        approved_story=story(Story.Status.APPROVED),
        new_question=Question.objects.create(text="Do cramps mean low salt?"),
        submitted_answer=_submitted_answer(author),
    )


def _submitted_answer(answerer: Person) -> AnswerVersion:
    """An answer by `answerer` (the author_reviewer), written and submitted by second_editor."""
    second = User.objects.get(username="second_editor")
    question = answers.accept_question(question=Question.objects.create(text="Is stretching safe?"), user=second)
    version = answers.start_answer(question=question, answerer=answerer, body="Usually.", user=second)
    return answers.submit_answer(version=version, user=second)


def version_form(version: ArticleVersion, **changes) -> dict:
    data = {"title": version.title, "summary": version.summary, "body": version.body, "image_credits": ""}
    data["revision_seen"] = version.revision
    for prefix in ("author_links", "cause_links", "references", "faq_entries"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    return {**data, **changes}


def status_of(version) -> str:
    return ArticleVersion.objects.get(pk=version.pk).status


def admin(name, *args):
    return reverse(f"admin:{name}", args=args)


def sign_off(c: Client, version: ArticleVersion) -> bool:
    version.refresh_from_db()
    c.post(
        admin("articles_articleversion_review", version.pk),
        {"decision": "approve", "fingerprint": version.compute_fingerprint()},
    )
    return status_of(version) == "approved"


def edit_then_sign_off(c: Client, s: State) -> bool:
    """The account edits a draft in the admin; someone else submits it; the account signs it off."""
    c.post(admin("articles_articleversion_change", s.draft.pk), version_form(s.draft, title="Own words"))
    edited = ArticleVersion.objects.get(pk=s.draft.pk).title == "Own words"
    services.submit_version(version=s.draft, user=User.objects.get(username="second_editor"))
    return edited and sign_off(c, s.draft)


def submit_then_sign_off(c: Client, s: State) -> bool:
    c.post(admin("articles_articleversion_submit", s.draft.pk))
    return status_of(s.draft) == "submitted" and sign_off(c, s.draft)


def start_then_sign_off(c: Client, s: State) -> bool:
    """The account starts a draft of a live article (a copy: not a word changed); someone else submits it."""
    c.post(admin("articles_article_edit", s.live.pk))
    draft = s.live.versions.filter(status="draft").first()
    if draft is None:
        return False
    draft.change_note = "A copy, submitted by someone else."
    draft.save()
    services.submit_version(version=draft, user=User.objects.get(username="second_editor"))
    return sign_off(c, draft)


def unconfirmed_sign_off(c: Client, s: State) -> bool:
    """Every reviewer's account link changed (to the same account) and no superuser has confirmed it yet."""
    Person.objects.update(signing_confirmed_user=None)
    return sign_off(c, s.submitted)


def person_form(person: Person, **changes) -> dict:
    data = {
        "name": person.name,
        "slug": person.slug,
        "credentials": person.credentials,
        "bio": person.bio,
        "profile_url": person.profile_url,
        "is_medical_reviewer": "on" if person.is_medical_reviewer else "",
        "user": person.user_id or "",
    }
    return {key: value for key, value in {**data, **changes}.items() if value != ""}


def cara() -> Person:
    return Person.objects.get(slug="cara-lind")


def approve_credentials(c: Client, s: State) -> bool:
    """An editor proposed new credentials for Cara Lind; the account signs them off."""
    person = cara()
    person.propose_text({"credentials": "PhD"}, user=User.objects.get(username="editor"), at=timezone.now())
    person.save()
    c.post(admin("articles_person_review_text", person.pk), {"fingerprint": person.text_fingerprint()})
    return cara().credentials == "PhD"


def editor_account() -> User:
    return User.objects.get(username="editor")


def edit_answer_then_sign_off(c: Client, s: State) -> bool:
    """An editor starts and submits an answer the account edited in the admin; the account signs it off."""
    answers.accept_question(question=s.new_question, user=workflow.SYSTEM)
    version = answers.start_answer(question=s.new_question, answerer=cara(), body="Draft.", user=editor_account())
    c.post(admin("participation_answerversion_change", version.pk), {"answerer": cara().pk, "body": "Own words."})
    edited = AnswerVersion.objects.get(pk=version.pk).body == "Own words."
    version = answers.submit_answer(version=version, user=editor_account())
    c.post(
        admin("participation_answer_review", version.pk),
        {"decision": "approve", "fingerprint": version.submitted_fingerprint},
    )
    return edited and AnswerVersion.objects.get(pk=version.pk).status == "approved"


def change_proposal_then_sign_off(c: Client, s: State) -> bool:
    """The account changes a proposal an editor made; the editor changes one character; the account signs it off."""
    person = cara()
    person.propose_text({"credentials": "PhD"}, user=editor_account(), at=timezone.now())
    person.save()
    c.post(admin("articles_person_change", person.pk), person_form(cara(), credentials="PhD, MD"))
    changed = cara().pending_text == {"credentials": "PhD, MD"}
    person = cara()
    person.propose_text({"credentials": "PhD, MD."}, user=editor_account(), at=timezone.now())
    person.save()
    c.post(admin("articles_person_review_text", person.pk), {"fingerprint": person.text_fingerprint()})
    return changed and cara().credentials == "PhD, MD."


def edit_cited_source_then_sign_off(c: Client, s: State) -> bool:
    """The account edits a library source; an editor cites it in a draft and submits; the account signs it off."""
    source = Source.objects.create(key="lee2020", title="Cramps", source="BMJ", year=2020, kind="journal")
    c.post(
        admin("references_source_change", source.pk),
        {"key": "lee2020", "kind": "journal", "title": "Cramps, reconsidered", "source": "BMJ", "year": 2020},
    )
    edited = Source.objects.get(pk=source.pk).title == "Cramps, reconsidered"
    s.draft.references.all().delete()
    ArticleVersion.objects.filter(pk=s.draft.pk).update(body="Cramps are common [@lee2020].")
    services.submit_version(version=s.draft, user=User.objects.get(username="second_editor"))
    return edited and sign_off(c, s.draft)


def rename_cause(c: Client, s: State) -> bool:
    cause = Cause.objects.get(group_id=s.group_id)
    c.post(admin("taxonomy_cause_change", cause.pk), {"name": "Renamed", "slug": cause.slug, "group": s.group_id})
    return Cause.objects.get(pk=cause.pk).name == "Renamed"


def decline_rename(c: Client, s: State) -> bool:
    """An editor proposed a new cause name; the account declines it with a comment."""
    cause = Cause.objects.get(group_id=s.group_id)
    cause.propose_text({"name": "Renamed"}, user=editor_account(), at=timezone.now())
    cause.save()
    c.post(
        admin("taxonomy_cause_review_text", cause.pk),
        {"decision": "decline", "comment": "Keep it.", "fingerprint": cause.text_fingerprint()},
    )
    return not Cause.objects.get(pk=cause.pk).has_pending_text


def confirm_link(c: Client, s: State) -> bool:
    ana = Person.objects.get(slug="ana-rivera")
    Person.objects.filter(pk=ana.pk).update(signing_confirmed_user=None)
    c.post(
        admin("articles_person_changelist"),
        {"action": "confirm_account_links", "_selected_action": [ana.pk], "index": 0},
    )
    return Person.objects.get(pk=ana.pk).account_link_confirmed


def bring_back_without_sign_off(c: Client, s: State) -> bool:
    """A reviewer took the live article down; the account tries restore, re-review and the article form."""
    lifecycle.take_down_article(article=s.live, user=User.objects.get(username="reviewer"), reason="Checking.")
    fingerprint = s.live.live_version.compute_fingerprint()
    c.post(admin("articles_article_restore", s.live.pk))
    c.post(admin("articles_article_rereview", s.live.pk), {"fingerprint": fingerprint, "confirmed": "1"})
    c.post(
        admin("articles_article_change", s.live.pk),
        {"slug": s.live.slug, "topic": s.topic_id, "versions-TOTAL_FORMS": 0, "versions-INITIAL_FORMS": 0},
    )
    return Client().get(s.live.get_absolute_url()).status_code == 200


def story_action(c: Client, story: Story, action: str, reason: str = "") -> str:
    c.post(
        admin("participation_story_changelist"), {"action": action, "_selected_action": [story.pk], "reason": reason}
    )
    return Story.objects.get(pk=story.pk).status


def edit_story(c: Client, story: Story, reason: str) -> bool:
    data = {"display_name": "Sam", "text": "Edited words.", "edit_reason": reason}
    c.post(admin("participation_story_change", story.pk), {**data, "edits-TOTAL_FORMS": 0, "edits-INITIAL_FORMS": 0})
    return Story.objects.get(pk=story.pk).text == "Edited words." and StoryEdit.objects.filter(reason=reason).exists()


# Each action does what a person would do and returns True if the server let it happen.
ACTIONS: list[tuple[str, Callable[[Client, State], bool]]] = [
    ("read a live article", lambda c, s: c.get(s.live.get_absolute_url()).status_code == 200),
    (
        "read an unpublished article",
        lambda c, s: (
            c.get(s.submitted.article.get_absolute_url()).status_code == 200
            or c.get(s.draft.article.get_absolute_url()).status_code == 200
        ),
    ),
    ("open the admin", lambda c, s: c.get(admin("index")).status_code == 200),
    (
        "create an article",
        lambda c, s: (
            c.post(admin("articles_article_add"), {"title": "New", "slug": "new", "topic": s.topic_id}) is not None
            and Article.objects.filter(slug="new").exists()
        ),
    ),
    (
        "edit a draft",
        lambda c, s: (
            c.post(admin("articles_articleversion_change", s.draft.pk), version_form(s.draft, title="Edited"))
            is not None
            and ArticleVersion.objects.get(pk=s.draft.pk).title == "Edited"
        ),
    ),
    (
        "submit a draft",
        lambda c, s: (
            c.post(admin("articles_articleversion_submit", s.draft.pk)) is not None
            and status_of(s.draft) == "submitted"
        ),
    ),
    (
        "withdraw a submitted version",
        lambda c, s: (
            c.post(admin("articles_articleversion_withdraw", s.submitted.pk)) is not None
            and status_of(s.submitted) == "draft"
        ),
    ),
    (
        "start a draft of a live article",
        lambda c, s: (
            c.post(admin("articles_article_edit", s.live.pk)) is not None
            and s.live.versions.filter(status="draft").exists()
        ),
    ),
    (
        "delete a draft",
        lambda c, s: (
            c.post(admin("articles_articleversion_delete", s.draft.pk), {"post": "yes"}) is not None
            and not ArticleVersion.objects.filter(pk=s.draft.pk).exists()
        ),
    ),
    (
        "edit a signed-off version",
        lambda c, s: (
            c.post(
                admin("articles_articleversion_change", s.live.live_version_id),
                version_form(s.live.live_version, title="Tampered"),
            )
            is not None
            and ArticleVersion.objects.get(pk=s.live.live_version_id).title == "Tampered"
        ),
    ),
    ("preview a draft", lambda c, s: c.get(admin("articles_articleversion_preview", s.draft.pk)).status_code == 200),
    (
        "sign off a submitted version",
        lambda c, s: (
            c.post(
                admin("articles_articleversion_review", s.submitted.pk),
                {"decision": "approve", "fingerprint": s.submitted.submitted_fingerprint},
            )
            is not None
            and status_of(s.submitted) == "approved"
        ),
    ),
    (
        "send a version back",
        lambda c, s: (
            c.post(
                admin("articles_articleversion_review", s.submitted.pk),
                {"decision": "send_back", "comment": "No.", "fingerprint": s.submitted.submitted_fingerprint},
            )
            is not None
            and status_of(s.submitted) == "sent_back"
        ),
    ),
    (
        "re-review a live article",
        lambda c, s: (
            c.post(
                admin("articles_article_rereview", s.live.pk),
                {"fingerprint": s.live.live_version.compute_fingerprint(), "confirmed": "1"},
            )
            is not None
            and Review.objects.filter(outcome="confirmed").exists()
        ),
    ),
    (
        "archive an article",
        lambda c, s: (
            c.post(admin("articles_article_archive", s.live.pk)) is not None
            and Article.objects.get(pk=s.live.pk).archived_at is not None
        ),
    ),
    (
        "restore an archived article",
        lambda c, s: (
            Article.objects.filter(pk=s.live.pk).update(archived_at="2026-01-01T00:00Z") == 1
            and c.post(admin("articles_article_restore", s.live.pk)) is not None
            and Article.objects.get(pk=s.live.pk).archived_at is None
        ),
    ),
    (
        "take a live article down (emergency)",
        lambda c, s: (
            c.post(admin("articles_article_takedown", s.live.pk), {"reason": "Wrong dose."}) is not None
            and Article.objects.get(pk=s.live.pk).is_taken_down
            and c.get(s.live.get_absolute_url()).status_code == 410
        ),
    ),
    (
        "take a live article down without a reason",
        lambda c, s: (
            c.post(admin("articles_article_takedown", s.live.pk), {"reason": " "}) is not None
            and Article.objects.get(pk=s.live.pk).is_taken_down
        ),
    ),
    ("bring a taken-down article back without a new sign-off", bring_back_without_sign_off),
    (
        "add a cause",
        lambda c, s: (
            c.post(admin("taxonomy_cause_add"), {"name": "Heat", "slug": "heat", "group": s.group_id}) is not None
            and Cause.objects.filter(slug="heat").exists()
        ),
    ),
    (
        "propose new credentials for a person",
        lambda c, s: (
            c.post(admin("articles_person_change", cara().pk), person_form(cara(), credentials="PhD")) is not None
            and cara().pending_text == {"credentials": "PhD"}
        ),
    ),
    ("sign off proposed credentials", approve_credentials),
    (
        "change an article's review interval",
        lambda c, s: (
            c.post(admin("articles_article_review_interval", s.live.pk), {"months": 6}) is not None
            and Article.objects.get(pk=s.live.pk).review_interval_months == 6
        ),
    ),
    (
        "set a review interval over 36 months",
        lambda c, s: (
            c.post(admin("articles_article_review_interval", s.live.pk), {"months": 600}) is not None
            and Article.objects.get(pk=s.live.pk).review_interval_months == 600
        ),
    ),
    (
        "change a review interval in the article form",
        lambda c, s: (
            c.post(
                admin("articles_article_change", s.live.pk),
                {
                    "slug": s.live.slug,
                    "topic": s.topic_id,
                    "review_interval_months": 6,
                    "versions-TOTAL_FORMS": 0,
                    "versions-INITIAL_FORMS": 0,
                },
            )
            is not None
            and Article.objects.get(pk=s.live.pk).review_interval_months == 6
        ),
    ),
    (
        "change a person's credentials (public at once)",
        lambda c, s: (
            c.post(admin("articles_person_change", cara().pk), person_form(cara(), credentials="PhD")) is not None
            and cara().credentials == "PhD"
        ),
    ),
    (
        "link a person to an account",
        lambda c, s: (
            c.post(
                admin("articles_person_change", cara().pk),
                person_form(cara(), user=User.objects.get(username="editor").pk),
            )
            is not None
            and cara().user_id is not None
        ),
    ),
    (
        "make a person a medical reviewer",
        lambda c, s: (
            c.post(admin("articles_person_change", cara().pk), person_form(cara(), is_medical_reviewer="on"))
            is not None
            and cara().is_medical_reviewer
        ),
    ),
    ("confirm an account link", confirm_link),
    ("sign off a version it edited", edit_then_sign_off),
    ("sign off a version it submitted", submit_then_sign_off),
    ("sign off a draft it started", start_then_sign_off),
    ("sign off with an unconfirmed account link", unconfirmed_sign_off),
    ("sign off an answer it edited", edit_answer_then_sign_off),
    ("sign off a proposal it changed", change_proposal_then_sign_off),
    ("sign off a version citing a source it edited", edit_cited_source_then_sign_off),
    ("rename a cause (public at once)", rename_cause),
    ("decline a proposed rename", decline_rename),
    (
        "change a review record",
        lambda c, s: (
            c.post(admin("articles_review_change", Review.objects.first().pk), {"comment": "x"}) is not None
            and Review.objects.filter(comment="x").exists()
        ),
    ),
    (
        "accept a reader's question",
        lambda c, s: (
            c.post(
                admin("participation_question_changelist"),
                {"action": "accept", "_selected_action": [s.new_question.pk], "reason": ""},
            )
            is not None
            and Question.objects.get(pk=s.new_question.pk).status == "accepted"
        ),
    ),
    (
        "sign off an expert's answer",
        lambda c, s: (
            c.post(
                admin("participation_answer_review", s.submitted_answer.pk),
                {"decision": "approve", "fingerprint": s.submitted_answer.submitted_fingerprint},
            )
            is not None
            and AnswerVersion.objects.get(pk=s.submitted_answer.pk).status == "approved"
        ),
    ),
    ("approve a reader's story", lambda c, s: story_action(c, s.pending_story, "approve") == "approved"),
    ("reject a reader's story", lambda c, s: story_action(c, s.pending_story, "reject", "Spam.") == "rejected"),
    ("edit an approved story, with a reason", lambda c, s: edit_story(c, s.approved_story, "Typo.")),
    (
        "edit an approved story, without a reason",
        lambda c, s: (
            edit_story(c, s.approved_story, "") is not None
            and Story.objects.get(pk=s.approved_story.pk).text == "Edited words."
        ),
    ),
    (
        "delete a published article",
        lambda c, s: (
            c.post(admin("articles_article_delete", s.live.pk), {"post": "yes"}) is not None
            and not Article.objects.filter(pk=s.live.pk).exists()
        ),
    ),
]

EDITORS = {"editor": A, "second_editor": A, "editor_reviewer": A, "superuser": A, "super_reviewer": A}
SIGNERS = {"reviewer": A, "editor_reviewer": A, "super_reviewer": A}  # each with a confirmed account link
SUPERUSERS = {"superuser": A, "super_reviewer": A}
MODERATORS = {"moderator": A, **SUPERUSERS}
STAFF = {role: A for role in ROLES if role != "anonymous"}
EXPECTED = {
    "read a live article": dict.fromkeys(ROLES, A),
    "read an unpublished article": {},
    "open the admin": STAFF,
    "create an article": EDITORS,
    "edit a draft": EDITORS,
    "submit a draft": EDITORS,
    "withdraw a submitted version": EDITORS,
    "start a draft of a live article": EDITORS,
    "delete a draft": EDITORS,
    "edit a signed-off version": {},
    "preview a draft": {role: A for role in STAFF if role != "moderator"},  # moderators see no articles' drafts
    # author_reviewer co-wrote every version; the superuser has no person to sign as.
    "sign off a submitted version": SIGNERS,
    "send a version back": SIGNERS,
    "re-review a live article": SIGNERS,
    "archive an article": EDITORS,
    "restore an archived article": EDITORS,
    # Emergency take-down: any medical reviewer (an author too: it is a safety step, not a sign-off) or superuser.
    "take a live article down (emergency)": {**SIGNERS, **SUPERUSERS, "author_reviewer": A},
    "take a live article down without a reason": {},
    "bring a taken-down article back without a new sign-off": {},
    "add a cause": EDITORS,
    # Supporting text: anyone who edits people proposes; a confirmed reviewer publishes; nobody skips review.
    "propose new credentials for a person": EDITORS,
    "sign off proposed credentials": {**SIGNERS, "author_reviewer": A},
    "change an article's review interval": {**SIGNERS, **SUPERUSERS, "author_reviewer": A},
    "set a review interval over 36 months": {},
    "change a review interval in the article form": {},
    "change a person's credentials (public at once)": {},
    "link a person to an account": SUPERUSERS,
    "make a person a medical reviewer": SUPERUSERS,
    "confirm an account link": SUPERUSERS,
    # Own work, whatever the groups: nobody signs off what their account created, edited or submitted.
    "sign off a version it edited": {},
    "sign off a version it submitted": {},
    "sign off a draft it started": {},
    "sign off with an unconfirmed account link": {},
    "sign off an answer it edited": {},
    "sign off a proposal it changed": {},
    "sign off a version citing a source it edited": {},
    "rename a cause (public at once)": {},
    "decline a proposed rename": {**SIGNERS, "author_reviewer": A},
    "change a review record": {},
    "delete a published article": {},
    # Readers' stories: moderators decide; an approved story changes only with a recorded reason.
    # Questions: editors accept; an answer is signed off like an article (never by its answerer, here author_reviewer).
    "accept a reader's question": EDITORS,
    "sign off an expert's answer": SIGNERS,
    "approve a reader's story": MODERATORS,
    "reject a reader's story": MODERATORS,
    "edit an approved story, with a reason": MODERATORS,
    "edit an approved story, without a reason": {},
}


def client_as(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    return client


def test_every_action_against_every_role(
    publish, draft_factory, submit, editor, second_editor, reviewer, author_reviewer, django_user_model, capsys
):
    django_user_model.objects.create_superuser("superuser", password="pw")
    both = make_user("editor_reviewer", "Editors")
    both.groups.add(Group.objects.get(name="Medical reviewers"))
    Person.objects.create(
        name="Dana Both", slug="dana-both", is_medical_reviewer=True, user=both, signing_confirmed_user=both
    )
    make_user("moderator", "Moderators")
    root = django_user_model.objects.create_superuser("super_reviewer", password="pw")
    Person.objects.create(
        name="Sam Root", slug="sam-root", is_medical_reviewer=True, user=root, signing_confirmed_user=root
    )
    seen: dict[str, dict[str, str]] = {}
    for action, attempt in ACTIONS:
        for role in ROLES:
            with transaction.atomic():
                state = build_state(publish, draft_factory, submit, author_reviewer.person, reviewer.person)
                allowed = attempt(client_as(role), state)
                transaction.set_rollback(True)
            seen.setdefault(action, {})[role] = A if allowed else D

    width = max(len(action) for action, _ in ACTIONS)
    lines = [f"{'action':<{width}} | " + " | ".join(f"{role:^15}" for role in ROLES)]
    mismatches = []
    for action, _ in ACTIONS:
        cells = []
        for role in ROLES:
            expected = EXPECTED[action].get(role, D)
            got = seen[action][role]
            cells.append(f"{got:^15}" if got == expected else f"{got + ' (!)':^15}")
            if got != expected:
                mismatches.append(f"{action} / {role}: expected {expected}, got {got}")
        lines.append(f"{action:<{width}} | " + " | ".join(cells))
    cells_checked = len(ACTIONS) * len(ROLES)
    with capsys.disabled():
        print("\n\nPermission matrix (server-side effects):\n" + "\n".join(lines))
        print(
            f"{len(ACTIONS)} actions x {len(ROLES)} roles = {cells_checked} cells checked, "
            f"{len(mismatches)} off expectation\n"
        )
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_roles_without_a_reviewer_profile_cannot_sign_off_even_through_the_service(
    role, draft_factory, submit, editor, reviewer, django_user_model
):
    user = editor if role == "editor" else django_user_model.objects.create_superuser("root", password="pw")
    version = submit(draft_factory())
    with pytest.raises(workflow.NotAllowed):
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=user
        )
