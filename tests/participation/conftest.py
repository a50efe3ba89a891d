import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from participation.models import Prompt
from tests.conftest import make_user

SEED_002_PROMPTS = [
    "What was the cause of your muscle spasms?",
    "What treatment did you use?",
    "Where were your muscle spasms, and please describe your experience",
    "Please describe the symptoms of your muscle spasms",
]


@pytest.fixture
def moderator(db):
    assert Group.objects.filter(name="Moderators").exists()
    return make_user("moderator", "Moderators")


@pytest.fixture
def prompts(topic):
    """Seed 002's four prompts, defaults for the test topic."""
    made = []
    for n, text in enumerate(SEED_002_PROMPTS):
        prompt = Prompt.objects.create(text=text, slug=f"prompt-{n}")
        prompt.topics.add(topic)
        made.append(prompt)
    return made


@pytest.fixture
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_FRAGMENT_CACHE = True  # and the article page's fragments, prompts included
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run
