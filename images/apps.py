from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self):
        from django.db.models.signals import post_migrate

        from images.immutability import install_on_migrate

        post_migrate.connect(install_on_migrate, sender=self, dispatch_uid="images_picture_guard")
