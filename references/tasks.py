"""The link check of every cited URL, from the queue's scheduler (operations/periodic.py)."""

from operations.periodic import periodic_command

check_references = periodic_command("check_references", "check_references")
