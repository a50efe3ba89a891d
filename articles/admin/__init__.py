from . import articles, people, redirects, search, versions  # noqa: F401  (registers the ModelAdmins)
