"""The worker's picture jobs: a new picture's renditions (images/services.py)."""

from procrastinate.contrib.django import app

from images import services
from operations.queue import RETRY


@app.task(name="make_renditions", retry=RETRY)
def make_renditions(*, image_id: int) -> None:
    services.make_renditions(image_id=image_id)
