from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, is_valid_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .context_processors import role_entries
from .errors import MESSAGE_NOT_FOUND, MESSAGE_SERVER_ERROR, is_api_request, json_error, log_refusal
from .filtersets import RegionFilterSet
from .health import service_health
from .models import Region
from .pages import role_required
from .registry import role_links
from .roles import ROLES


def home(request):
    """The home page: a welcome for visitors; for a signed-in user, the cards of their role."""
    context = {"title": _("Home")}
    if request.user.is_authenticated:
        context["role_cards"] = [entry for entry in role_entries(request.user) if entry["key"] != "api-docs"]
        profile = getattr(request.user, "regional_profile", None)
        context["user_regions"] = list(profile.regions.all()) if profile is not None else []
        context["user_links"] = [
            {"label": link.label, "value": link.describe(target)}
            for link in role_links()
            if (target := link.get(request.user)) is not None
        ]
    return render(request, "common/home.html", context)


@role_required(*ROLES)
def region_list(request):
    """Reference data: every region with its names and validity; `?valid_on=` as in the API."""
    filterset = RegionFilterSet(request.GET, queryset=Region.objects.all())
    regions = filterset.qs if filterset.is_valid() else Region.objects.none()
    rows = [[r.code, r.name, r.get_kind_display(), r.valid_from or "—", r.valid_to or "—"] for r in regions]
    columns = [_("Code"), _("Name"), _("Kind"), _("Valid from"), _("Valid to")]
    return render(
        request,
        "common/region_list.html",
        {"title": _("Regions"), "columns": columns, "rows": rows, "filterset": filterset},
    )


@never_cache
@require_GET
def healthz(request):
    """Database and broker status for load balancers and operators: 200 when both answer, else 503."""
    health = service_health()
    return JsonResponse(health, status=200 if health["status"] == "ok" else 503)


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def api_root(request, format=None):
    """Entry point of the API: links to its documentation and resources."""
    from config.api_router import router

    links = {}
    for prefix, _viewset, basename in router.registry:
        try:
            links[prefix] = reverse(f"{basename}-list", request=request, format=format)
        except NoReverseMatch:
            continue  # nested resources (e.g. a plan's project reserves) are reached from their parent
    links.update(
        {
            "schema": reverse("schema", request=request),
            "docs": reverse("swagger-ui", request=request),
        }
    )
    return Response(links)


def page_not_found(request, exception=None):
    if is_api_request(request):
        return json_error(404, code="not_found", message=MESSAGE_NOT_FOUND)
    return render(request, "404.html", status=404)


@csrf_exempt  # an unknown URL answers 404 to any method, as before the route existed, not a CSRF 403
def api_not_found(request):
    """The last route under /api/: a URL that names no operation answers 404 in the error format.

    handler404 does the same, but Django calls it only with DEBUG off; with DEBUG on, an unknown API URL
    would answer the HTML debug page. Being a route, this one would also hide CommonMiddleware's
    APPEND_SLASH redirect, so it makes that redirect itself (`/api/v1/regions` → `/api/v1/regions/`).
    """
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        match = is_valid_path(f"{request.path_info}/", getattr(request, "urlconf", None))
        if match and match.url_name != "api-not-found":
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return json_error(404, code="not_found", message=MESSAGE_NOT_FOUND)


def server_error(request):
    # No stack trace, whatever DEBUG says for other pages: the details go to the log only.
    if is_api_request(request):
        return json_error(500, code="server_error", message=MESSAGE_SERVER_ERROR)
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def permission_denied(request, exception=None):
    log_refusal(request, 403)
    if is_api_request(request):
        return json_error(403, code="permission_denied", message=_("You do not have permission to do this."))
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if is_api_request(request):
        return json_error(400, code="bad_request", message=_("The request could not be understood."))
    return render(request, "400.html", status=400)
