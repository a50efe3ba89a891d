"""The draft form's warning that saving ends the working links pinned to its text (loaded by the version's
admin template: articles does not import previews)."""

from django import template

from previews.services import pinned_links_a_save_ends

register = template.Library()


@register.inclusion_tag("previews/pinned_links_warning.html")
def pinned_links_warning(version):
    return {"links": pinned_links_a_save_ends(version)}
