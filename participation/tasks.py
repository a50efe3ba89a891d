"""Readers' email updates, from the queue's scheduler (operations/periodic.py)."""

from operations.periodic import periodic_command

send_updates = periodic_command("send_updates", "send_updates")
