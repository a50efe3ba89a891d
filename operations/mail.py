"""The site's mail backend: every message's headers made one line, then handed to the real backend.

Django refuses to send a message whose subject holds a line break (BadHeaderError, a guard
against header injection), and the workflow mails put titles in their subjects: one title
with a CR/LF would drop every mail about that article. This backend, the one EMAIL_BACKEND
names, is the one place every mail passes through (workflow mails, email updates, answers):
it gives each subject and extra header its one-line form (operations.text.one_line), then
the backend configured by EMAIL_URL (settings.SPASMINFO_EMAIL_DELIVERY) sends it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from operations.text import one_line


class EmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(settings.SPASMINFO_EMAIL_DELIVERY, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.delivery.open()

    def close(self):
        return self.delivery.close()

    def send_messages(self, email_messages):
        for message in email_messages:
            message.subject = one_line(message.subject)
            message.extra_headers = {name: one_line(value) for name, value in message.extra_headers.items()}
        return self.delivery.send_messages(email_messages)


def reader_mail(*, subject: str, text: str, to: list[str], headers: dict | None = None) -> EmailMultiAlternatives:
    """A mail to a reader: the plain text, and the same text as HTML (escaped, its links made
    links, the same absolute addresses), so every client shows it well (multipart/alternative)."""
    message = EmailMultiAlternatives(subject, text, None, to, headers=headers)
    html = render_to_string("emails/reader.html", {"subject": subject, "text": text})
    message.attach_alternative(html, "text/html")
    return message
