"""What is derived from a version's content, computed once when it is signed off.

A signed-off version never changes, so its rendered HTML (and anything else
readers need that can be computed from the content) is stored at sign-off,
not recomputed on each request. `approve_version` calls this just before the
version is frozen; for drafts, `preview_derived_content` does the same work in
memory without saving.
"""

from articles.models import ArticleVersion
from articles.rendering import render_markdown


def preview_derived_content(version: ArticleVersion) -> list:
    """Fill the derived fields in memory (for previews); returns the FAQ entries."""
    version.body_html = render_markdown(version.body)
    faq = list(version.faq_entries.all())
    for entry in faq:
        entry.answer_html = render_markdown(entry.answer)
    return faq


def freeze_derived_content(version: ArticleVersion) -> None:
    """Compute and save the derived fields of a version about to be signed off."""
    for entry in preview_derived_content(version):
        entry.save(update_fields=["answer_html"])
    # version itself is saved by the caller together with its new status
