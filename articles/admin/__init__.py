from . import articles, people, versions  # noqa: F401  (registers the ModelAdmins)
