"""Uploads and renditions go through Django's storage API only (STORAGES["default"], chosen from
the environment: spasminfo/settings/base.py `media_storage`), so a storage with no local files,
like an S3 bucket shared by every app server, serves them as well as the local disk."""

import os

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.utils._os import safe_join

from articles.models import Article
from spasminfo.settings.base import media_storage
from tests.images.test_services import stored_files, upload

pytestmark = pytest.mark.django_db


class NoLocalPathStorage(InMemoryStorage):
    """Files in memory, and, like a bucket, no path on this machine's disk for any of them."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):  # InMemoryStorage's own bookkeeping, without `path`
        return os.path.relpath(safe_join(self.location, name), self.location)


@pytest.fixture
def in_memory(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.images.test_storage.NoLocalPathStorage", "OPTIONS": {"base_url": "/files/"}},
    }
    return default_storage


def test_uploads_and_renditions_work_with_a_storage_that_has_no_local_path(
    in_memory, media, draft_factory, submit, approve, reader
):
    image = upload("calf")
    with pytest.raises(NotImplementedError):
        in_memory.path(image.file)  # nothing asked for a local path
    assert stored_files(media) == []  # nothing written under MEDIA_ROOT
    assert in_memory.exists(image.file) and image.renditions
    assert all(in_memory.exists(r["path"]) and in_memory.size(r["path"]) > 0 for r in image.renditions)

    draft = draft_factory(body="Intro.\n\n![[image:calf]]\n\nEnd [@1].")
    approve(submit(draft))
    page = reader.get(Article.objects.get(pk=draft.article_id).get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/files/images/' in page and " 320w, " in page


def test_the_media_storage_is_the_local_disk_unless_a_bucket_is_named(monkeypatch):
    monkeypatch.delenv("MEDIA_S3_BUCKET", raising=False)
    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("MEDIA_S3_BUCKET", "spasminfo-media")
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "https://s3.example.org")
    bucket = media_storage()
    assert bucket["BACKEND"] == "storages.backends.s3.S3Storage"
    assert bucket["OPTIONS"]["bucket_name"] == "spasminfo-media"
    assert bucket["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert bucket["OPTIONS"]["file_overwrite"] is False


def test_the_bucket_storage_class_loads_with_its_options(monkeypatch):
    """django-storages and boto3 are installed and accept the options (no request is made)."""
    from django.utils.module_loading import import_string

    monkeypatch.setenv("MEDIA_S3_BUCKET", "spasminfo-media")
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    config = media_storage()
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    assert storage.bucket_name == "spasminfo-media"
    assert storage.url("images/ab/x/320.webp") == "http://127.0.0.1:9/spasminfo-media/images/ab/x/320.webp"
