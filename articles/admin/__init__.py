from . import articles, people, redirects, versions  # noqa: F401  (registers the ModelAdmins)
