from django.conf import settings


def site(request):
    return {
        "site_name": settings.SPASMINFO_SITE_NAME,
        # The page's address without its query string: canonical link and og:url.
        "canonical_url": request.build_absolute_uri(request.path),
    }
