"""The worker's jobs that know no model: sending a mail (operations/mail.py)."""

from procrastinate.contrib.django import app

from operations.mail import message_from_job
from operations.queue import RETRY


@app.task(name="deliver_mail", retry=RETRY)
def deliver_mail(*, subject: str, text: str, html: str, to: list[str], from_email: str, headers: dict) -> None:
    """Send one mail; a refusal raises, and the job is tried again later (RETRY)."""
    message_from_job(subject=subject, text=text, html=html, to=to, from_email=from_email, headers=headers).send()


from operations import periodic  # noqa: E402, F401  (registers forget_old_jobs)
