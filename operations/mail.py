"""The site's mail backend: every message's headers made one line, then handed to the real backend.

Django refuses to send a message whose subject holds a line break (BadHeaderError, a guard
against header injection), and the workflow mails put titles in their subjects: one title
with a CR/LF would drop every mail about that article. This backend, the one EMAIL_BACKEND
names, is the one place every mail passes through (workflow mails, email updates, answers):
it gives each subject and extra header its one-line form (operations.text.one_line), then
the backend configured by EMAIL_URL (settings.SPASMINFO_EMAIL_DELIVERY) sends it.

No request talks to the mail server: `queue_mail` writes the message as a job in the current
transaction (operations/queue.py), and the worker sends it (`deliver_mail`, operations/tasks.py),
trying again until the server takes it. A refused mail never fails the step that wrote it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid
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


def queue_mail(message: EmailMultiAlternatives) -> int:
    """Send `message` from the worker: one job, written in the current transaction (so it exists
    exactly when the change that asked for it committed). Its Message-ID is fixed now, so a
    retry after a send whose answer was lost is the same message to the receiving servers."""
    from operations.tasks import deliver_mail

    headers = {**message.extra_headers}
    headers.setdefault("Message-ID", make_msgid(domain="spasminfo"))
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    return deliver_mail.defer(
        subject=message.subject,
        text=message.body,
        html=html,
        to=list(message.to),
        from_email=message.from_email,
        headers=headers,
    )


def message_from_job(
    *, subject: str, text: str, html: str, to: list[str], from_email: str, headers: dict
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, text, from_email, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message
