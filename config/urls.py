from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common import views as common_views
from common.api import views as common_api

from .api_router import router

api_v1 = [
    path("", common_views.api_root, name="api-root"),
    path("auth/token/", common_api.TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", common_api.TokenLogoutView.as_view(), name="auth-logout"),
    path("me/", common_api.me, name="me"),
    *router.urls,
]

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("common.urls")),
    path("", include("employers.urls")),
    path("", include("quota.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(settings.ADMIN_URL, admin.site.urls),
    # Last: any other URL under /api/ answers 404 in the error format, with DEBUG on as well (handler404 is off then).
    re_path(r"^api/", common_views.api_not_found, name="api-not-found"),
]

handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler500 = "common.views.server_error"
