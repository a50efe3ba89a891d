"""Signals other apps listen to, so the editorial core never imports them.

version_frozen(sender=ArticleVersion, version, faq)
    A version's derived content was just computed, inside the transaction that signs it
    off (search records its words for "did you mean").

article_decided(sender=Article, article, user, decision, comment)
    A medical reviewer decided on the live article as a whole, inside the decision's
    transaction: "confirmed" (re-review), "replaced" (a new version went live) or
    "taken_down". Readers' reports on the article are closed by it (participation).
"""

from django.dispatch import Signal

version_frozen = Signal()
article_decided = Signal()
