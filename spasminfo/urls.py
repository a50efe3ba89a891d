from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from pagecache.middleware import cached_page
from reader.sitemaps import SITEMAPS
from reader.views import favicon, robots_txt

admin.site.site_header = "spasminfo editorial"
admin.site.site_title = "spasminfo editorial"
admin.site.index_title = "Articles, reviews and taxonomy"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        cached_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("api.urls")),
    path("", include("previews.urls")),
    path("", include("reviewcalendar.urls")),
    path("", include("participation.urls")),
    path("", include("reader.urls")),
]

if "devtools" in settings.INSTALLED_APPS:
    # Development and benchmark routes (the benchmark's /__floor__/); never in production.
    urlpatterns.append(path("", include("devtools.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database error raised outside a view still gets the clean 503 page; anything else gets
# the 500 page. See operations.middleware.
handler500 = "operations.middleware.server_error"
