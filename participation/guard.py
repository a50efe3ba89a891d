"""The guards every public form of readers carries: a honeypot and a signed timestamp.

- **Honeypot**: a field named `website`, hidden from people (off-screen, not focusable,
  `aria-hidden`, autocomplete off); a bot that fills every field fills it. A form with it
  filled is answered as if it had worked, and nothing is kept.
- **Signed timestamp**: `issued` holds when the form was rendered, for which form, signed
  with SECRET_KEY (django.core.signing). A post is refused when the signature is wrong,
  the form is older than SPASMINFO_FORM_MAX_AGE seconds, or younger than
  SPASMINFO_FORM_MIN_SECONDS (a person does not write a story in one second). Form pages are
  therefore rendered for each reader and never cached.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing

HONEYPOT = "website"
_SALT = "participation.form-issued"


def issue(form_name: str) -> str:
    return signing.dumps({"form": form_name, "at": time.time()}, salt=_SALT)


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
            age = time.time() - float(payload["at"])
        except (signing.BadSignature, TypeError, KeyError, ValueError):
            raise unreadable from None
        if payload.get("form") != self.form_name:
            raise unreadable
        if age > settings.SPASMINFO_FORM_MAX_AGE:
            raise forms.ValidationError("This form was open too long. Please send it again.")
        if age < settings.SPASMINFO_FORM_MIN_SECONDS:
            raise forms.ValidationError("That was quick. Please read your text once more, then send it.")
        return self.cleaned_data["issued"]
