from django.urls import path

from api.documentation import documentation
from api.v1 import api

urlpatterns = [
    path("api/v1/docs/", documentation, name="api_documentation"),
    path("api/v1/", api.urls),
]
