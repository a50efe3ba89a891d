"""Signals operations sends, for the apps above it to act on without operations importing them."""

from django.dispatch import Signal

# The database was replaced by a backup's (restore_site): whatever was cached from the old one
# is stale. The page cache (pagecache/apps.py) makes every page miss.
site_restored = Signal()
