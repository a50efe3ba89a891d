from . import articles, links, people, versions  # noqa: F401  (registers the ModelAdmins)
