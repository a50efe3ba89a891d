"""The picture library in the admin: upload once (checked, stripped), then edit only the words."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from images import services
from images.models import Image


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text="JPEG, PNG or WebP. Location and other EXIF data are removed. "
        "A picture cannot be replaced: upload a new one under a new key.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["key", "alt_text", "decorative", "caption", "credit"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk is not None:
            if upload:
                raise ValidationError("A picture cannot be replaced; upload it as a new image with its own key.")
            return None
        if not upload:
            raise ValidationError("Choose a picture to upload.")
        self.picture = services.checked_picture(upload)  # refused here: nothing has been stored
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["key", "thumbnail", "alt_text", "decorative", "credit", "created_at"]
    search_fields = ["key", "alt_text", "caption", "credit"]
    readonly_fields = ["thumbnail", "size", "sha256"]

    def get_fields(self, request, obj=None):
        words = ["key", "alt_text", "decorative", "caption", "credit"]
        return ["upload", *words] if obj is None else ["thumbnail", "size", "sha256", *words]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "key"] if obj is not None else self.readonly_fields

    @admin.display(description="picture")
    def thumbnail(self, obj):
        small = (obj.rendition_set("WEBP") or [{"path": obj.file}])[0]
        return format_html('<img src="{}" alt="" width="120">', obj.url(small["path"]))

    @admin.display(description="size")
    def size(self, obj):
        return f"{obj.width} x {obj.height} px, {obj.format}"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.add_image(image=obj, picture=form.picture, user=request.user)

    def has_delete_permission(self, request, obj=None):
        # Versions point at the picture (PROTECT); only superusers may remove an unused one.
        return request.user.is_superuser and super().has_delete_permission(request, obj)
