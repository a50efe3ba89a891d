from . import articles, links, people, redirects, sources, versions  # noqa: F401  (registers the ModelAdmins)
