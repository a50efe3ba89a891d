"""The last check of each reference URL (`manage.py check_references`, articles/linkcheck.py).

Keyed by URL, not by reference: a check result is a fact about a web page, not part of
any version's signed-off content, so it changes freely while versions do not.
"""

from django.db import models
from django.db.models import F, Q


class LinkCheckQuerySet(models.QuerySet):
    def dead(self):
        """No answer (timeout, refused, DNS, TLS), or an error status."""
        return self.filter(Q(status__isnull=True) | Q(status__gte=400))

    def redirected(self):
        """Answered, but from another address than the one cited."""
        return self.filter(status__lt=400).exclude(final_url=F("url"))


class LinkCheck(models.Model):
    url = models.URLField(max_length=500, unique=True)
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="HTTP status of the last response; empty when there was none."
    )
    final_url = models.URLField(max_length=2000, blank=True, help_text="Where the redirects, if any, ended.")
    error = models.CharField(max_length=200, blank=True, help_text="Why there was no response.")
    checked_at = models.DateTimeField()

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        verbose_name = "reference link check"

    def __str__(self) -> str:
        return f"{self.url}: {self.summary}"

    @property
    def is_dead(self) -> bool:
        return self.status is None or self.status >= 400

    @property
    def is_redirected(self) -> bool:
        return not self.is_dead and self.final_url != self.url

    @property
    def summary(self) -> str:
        if self.status is None:
            return f"no response ({self.error})"
        if self.is_dead:
            return f"dead (HTTP {self.status})"
        if self.is_redirected:
            return f"redirected to {self.final_url}"
        return f"OK (HTTP {self.status})"
