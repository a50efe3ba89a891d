"""One-time secrets (a new API key, an expert preview address, a calendar feed address) shown to
the person who made them, once, on the next admin page, and never put in a cookie.

Django's default message storage keeps messages in a signed cookie: signed, not encrypted, so
anyone who sees the browser's cookies (or a proxy's logs of them) could read a key in it. The
site stores messages in the session instead (MESSAGE_STORAGE; sessions live in the database),
`show_once` refuses to put a secret anywhere else, and a system check stops start-up if the
settings would send messages or sessions to the browser (`check_messages_stay_on_the_server`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

SESSION_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
COOKIE_SESSIONS = "django.contrib.sessions.backends.signed_cookies"


def show_once(request, text: str) -> None:
    """Show `text` (which holds a secret) on the next page the user sees, and then never again."""
    storage = messages.get_messages(request)
    if not isinstance(storage, SessionStorage) or settings.SESSION_ENGINE == COOKIE_SESSIONS:
        raise ImproperlyConfigured("One-time secrets are kept in the session, on the server (MESSAGE_STORAGE).")
    messages.warning(request, text)


@checks.register(checks.Tags.security)
def check_messages_stay_on_the_server(app_configs=None, **kwargs):
    problems = []
    if settings.MESSAGE_STORAGE != SESSION_STORAGE:
        problems.append(
            checks.Error(
                "MESSAGE_STORAGE must be the session storage: messages carry one-time secrets (API keys, "
                "preview and calendar addresses), which must not travel in a cookie.",
                id="operations.E001",
            )
        )
    if settings.SESSION_ENGINE == COOKIE_SESSIONS:
        problems.append(
            checks.Error(
                "Sessions must be kept on the server: they carry one-time secrets.",
                id="operations.E002",
            )
        )
    return problems
