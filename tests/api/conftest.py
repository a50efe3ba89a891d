import pytest
from django.test import Client

from api.models import ApiKey


@pytest.fixture
def api_key(db):
    """A consumer's key: (the ApiKey row, the raw key it was issued)."""
    key = ApiKey(name="Partner clinic", requests_per_minute=1000)
    raw = key.issue()
    key.save()
    return key, raw


@pytest.fixture
def consumer(api_key):
    """A client that sends the consumer's key with every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key[1]}")
