from django import template

from articles import inbox, queues
from articles.workflow import EDIT_PERMISSION, SIGN_OFF_PERMISSION

register = template.Library()


@register.inclusion_tag("admin/includes/editorial_dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """The signed-in user's own work, at the top of the admin index."""
    user = context["request"].user
    person = getattr(user, "person", None)
    work = {"is_editor": user.has_perm(EDIT_PERMISSION), "is_reviewer": user.has_perm(SIGN_OFF_PERMISSION)}
    if work["is_editor"]:
        work["drafts"] = list(queues.drafts_of(user)[:20])
        work["sent_back"] = list(queues.sent_back_to(user)[:20])
        work["stuck"] = list(queues.needing_a_reviewer_who_is_not_an_author()[:50])
    if work["is_reviewer"] and person is not None:
        work["awaiting"] = list(queues.awaiting_review_by(person)[:50])
        work["overdue"] = list(queues.overdue_for(person)[:50])
        work["due_soon"] = list(queues.due_soon_for(person)[:50])
        work["reported"] = list(queues.reported_by_readers()[:50])
        work["sections"] = inbox.reviewer_sections(user=user, person=person)
    if work["is_editor"]:
        work["editor_sections"] = inbox.editor_sections(user=user)
    if work["is_editor"] or work["is_reviewer"]:
        work["taken_down"] = list(queues.taken_down()[:50])
    work["reviewer_without_person"] = work["is_reviewer"] and person is None
    return work
