"""The admin site: every model admin registered on it refuses bad filter and search input
with 400, whoever wrote it (our apps, Django's auth, axes, taggit).

Django's own answer to a filter value it cannot use (`?topic__id__exact=abc`) is a
redirect to `?e=1` and a page saying the database installation is broken; a value our
SimpleListFilters do not know was ignored or matched nothing; a search of a thousand
words built a query too large for the database, answered as a database outage. Here each is a
400 that says what was wrong. The NUL byte is refused
earlier, for every page, by operations.input.RejectNulBytesMiddleware.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest

MAX_SEARCH_LENGTH = 200  # characters in an admin search box or autocomplete term
MAX_SEARCH_WORDS = 12
ISNULL_VALUES = {"0", "1", "true", "false", "True", "False"}
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


class StrictInputMixin:
    """For a ModelAdmin: 400 for filter values the changelist cannot use, and for searches
    longer than MAX_SEARCH_LENGTH characters or MAX_SEARCH_WORDS words."""

    def get_changelist_instance(self, request):
        for key, value in request.GET.items():
            if key.endswith("__isnull") and value not in ISNULL_VALUES:
                raise BadRequest(f"{key} must be 1 or 0, not {value[:50]!r}.")
        if self.date_hierarchy:  # Django checks the date, not that the year fits in one (OverflowError)
            for part, (low, high) in DATE_PARTS.items():
                value = request.GET.get(f"{self.date_hierarchy}__{part}")
                if value is not None and not (value.isdigit() and len(value) <= 4 and low <= int(value) <= high):
                    raise BadRequest(f"The {part} must be a number from {low} to {high}, not {value[:50]!r}.")
        try:
            changelist = super().get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise BadRequest(f"These filters cannot be applied: {error or 'a value has the wrong type'}.") from error
        for spec in changelist.filter_specs:
            if isinstance(spec, admin.SimpleListFilter) and spec.value() is not None:
                known = {str(value) for value, _ in spec.lookup_choices}
                if spec.value() not in known:
                    raise BadRequest(f"Unknown value for the {spec.title} filter: {spec.value()[:50]!r}.")
        return changelist

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > MAX_SEARCH_LENGTH or len(search_term.split()) > MAX_SEARCH_WORDS:
            raise BadRequest(f"Search for at most {MAX_SEARCH_LENGTH} characters and {MAX_SEARCH_WORDS} words.")
        return super().get_search_results(request, queryset, search_term)


class SpasminfoAdminSite(admin.AdminSite):
    site_header = "spasminfo editorial"
    site_title = "spasminfo editorial"
    index_title = "Articles, reviews and taxonomy"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StrictInputMixin):
            admin_class = type(
                admin_class.__name__,
                (StrictInputMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class SpasminfoAdminConfig(AdminConfig):
    """django.contrib.admin with SpasminfoAdminSite as `admin.site` (INSTALLED_APPS)."""

    default_site = "operations.admin_site.SpasminfoAdminSite"
