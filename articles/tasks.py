"""The editorial core's periodic jobs (operations/periodic.py)."""

from operations.periodic import periodic_command

publish_due = periodic_command("publish_due", "publish_scheduled")  # scheduled versions go live, archiving
review_due = periodic_command("review_due", "review_due", "--notify")  # reviewers' reminders (mail jobs)
