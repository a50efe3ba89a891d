from . import articles, links, people, redirects, search, sources, versions  # noqa: F401  (registers the ModelAdmins)
