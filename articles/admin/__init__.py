from . import articles, links, people, redirects, versions  # noqa: F401  (registers the ModelAdmins)
