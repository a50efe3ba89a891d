from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "spasminfo editorial"
admin.site.site_title = "spasminfo editorial"
admin.site.index_title = "Articles, reviews and taxonomy"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("taxonomy.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database error raised outside a view still gets the clean 503 page (operations.middleware).
handler500 = "operations.middleware.server_error"
