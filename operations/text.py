"""One-line text: what counts as a control character, the model check that refuses one in a
field meant to be a single line (a title, a summary, a question), and the one-line form any
mail subject is given before it is sent (operations/mail.py).

A control character is any of Unicode's Cc (CR, LF, tab, NUL, DEL, the C1 controls), the line
and paragraph separators (Zl, Zp), and the bidirectional embedding, override and isolate
controls, which reorder what a reader sees without being seen.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

_CATEGORIES = {"Cc", "Zl", "Zp"}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMES = {"\r": "a carriage return", "\n": "a line break", "\t": "a tab"}


def is_control(ch: str) -> bool:
    return unicodedata.category(ch) in _CATEGORIES or ch in _BIDI


def control_characters(value: str) -> list[str]:
    """The distinct control characters in `value`, in order of first appearance."""
    return list(dict.fromkeys(ch for ch in value or "" if is_control(ch)))


def validate_one_line(value: str) -> None:
    found = control_characters(value)
    if found:
        named = ", ".join(_NAMES.get(ch, f"U+{ord(ch):04X}") for ch in found)
        raise ValidationError(
            "Write this on one line: it contains %(found)s. Remove it and save again.",
            code="control_character",
            params={"found": named},
        )


def one_line(value: str) -> str:
    """`value` on one line: each run of control characters and spaces becomes one space."""
    text = "".join(" " if is_control(ch) else ch for ch in str(value or ""))
    return re.sub(r"\s{2,}", " ", text).strip()


class SingleLineFields:
    """A model mixin: the fields named in SINGLE_LINE_FIELDS refuse control characters when the
    model is validated (`full_clean`: every ModelForm, so the admin shows the error on the field).

    A check in `clean_fields` rather than a field validator, so that it adds no migration and
    honours the form's excluded fields like any field check."""

    SINGLE_LINE_FIELDS: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in self.SINGLE_LINE_FIELDS:
            if (exclude and name in exclude) or name in errors:
                continue
            try:
                validate_one_line(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.error_list
        if errors:
            raise ValidationError(errors)
