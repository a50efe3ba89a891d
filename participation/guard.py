"""The guards every public form of readers carries: a honeypot and a signed timestamp.

- **Honeypot**: a field named `website`, hidden from people (off-screen, not focusable,
  `aria-hidden`, autocomplete off); a bot that fills every field fills it. A form with it
  filled is answered as if it had worked, and nothing is kept.
- **Signed timestamp**: `issued` holds when the form was rendered, for which form, signed
  with SECRET_KEY (django.core.signing). A post is refused when the signature is wrong,
  the form is older than SPASMINFO_FORM_MAX_AGE seconds, or younger than
  SPASMINFO_FORM_MIN_SECONDS (a person does not write a story in one second). Form pages are
  therefore rendered for each reader and never cached.
- **Single use**: each timestamp carries a random nonce, and a form that passes every check
  spends it: its SHA-256 is kept (`UsedFormToken`) until the timestamp would be too old anyway.
  A second post with the same timestamp is refused with a message, and the form comes back
  with what was typed and a fresh timestamp. A form shown again with errors always carries a
  fresh one.
"""

import datetime
import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

HONEYPOT = "website"
_SALT = "participation.form-issued"
ALREADY_SENT = (
    "This form was already sent once. If you meant to send it again, check what you wrote below and send it again."
)


def issue(form_name: str) -> str:
    return signing.dumps({"form": form_name, "at": time.time(), "n": secrets.token_urlsafe(12)}, salt=_SALT)


def spend(token: str, issued_at: float) -> bool:
    """Record the token as used; False if it was used before (by this post's twin, even at the same moment)."""
    from participation.models import UsedFormToken

    now = timezone.now()
    expires = datetime.datetime.fromtimestamp(issued_at, tz=datetime.UTC) + datetime.timedelta(
        seconds=settings.SPASMINFO_FORM_MAX_AGE + 60
    )
    UsedFormToken.objects.filter(expires_at__lt=now).delete()  # past their age: refused as too old anyway
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(digest=hashlib.sha256(token.encode()).hexdigest(), expires_at=expires)
    except IntegrityError:
        return False
    return True


class GuardedForm(forms.Form):
    """A public form with the honeypot and the signed timestamp. Subclasses set `form_name`."""

    form_name = "form"
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    issued = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["issued"] = issue(self.form_name)
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled: answer as if it worked, keep nothing."""
        return bool(self.data.get(HONEYPOT))

    def clean_issued(self):
        unreadable = forms.ValidationError("This form could not be checked. Please reload the page.")
        try:
            payload = signing.loads(self.cleaned_data["issued"], salt=_SALT)
            issued_at = float(payload["at"])
        except (signing.BadSignature, TypeError, KeyError, ValueError):
            raise unreadable from None
        if payload.get("form") != self.form_name:
            raise unreadable
        age = time.time() - issued_at
        if age > settings.SPASMINFO_FORM_MAX_AGE:
            raise forms.ValidationError("This form was open too long. Please send it again.")
        if age < settings.SPASMINFO_FORM_MIN_SECONDS:
            raise forms.ValidationError("That was quick. Please read your text once more, then send it.")
        self._issued_at = issued_at
        return self.cleaned_data["issued"]

    def _post_clean(self):
        """Once every check passed (the subclasses' `clean` included), spend the timestamp; a
        form shown again with errors gets a fresh one, so what was typed can be sent as it is."""
        super()._post_clean()
        if not self.errors and not spend(self.cleaned_data["issued"], self._issued_at):
            self.add_error("issued", ALREADY_SENT)
        if self.errors:
            self.data = self.data.copy()
            self.data[self.add_prefix("issued")] = issue(self.form_name)
