"""Root URLs: wiring only."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views

api_v1 = [
    path("auth/", include("accounts.api.urls")),
    path("banking/", include("banking.api.urls")),
    path("counter/", include("counter.api.urls")),
    path("delivery/", include("delivery.api.urls")),
    path("verification/", include("verification.api.urls")),
    path("doorstep/", include("doorstep.api.urls")),
    path("", include("delivery.api.public_urls")),  # /api/v1/track/<n>/
]

urlpatterns = [
    path("", accounts_views.landing, name="landing"),
    path("healthz", accounts_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("citizen/", include("accounts.citizen_urls")),
    # One sign-in page for everyone (lockout, two-factor); the admin's own form is not used.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("counter/", include("counter.urls")),
    path("delivery/", include("delivery.urls")),
    path("banking/", include("banking.urls")),
    path("verification/", include("verification.urls")),
    path("doorstep/", include("doorstep.urls")),
    path("track/", include("delivery.public_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

handler400 = "accounts.views.bad_request"
handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"
