"""Signals other apps listen to, so the editorial core never imports them.

version_frozen(sender=ArticleVersion, version, faq)
    A version's derived content was just computed, inside the transaction that signs it
    off (search records its words for "did you mean").
"""

from django.dispatch import Signal

version_frozen = Signal()
