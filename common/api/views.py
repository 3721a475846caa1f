from django.contrib.auth import authenticate, user_logged_in
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from knox.models import get_token_model
from knox.settings import knox_settings
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.errors import DomainError
from common.filtersets import RegionFilterSet, UserFilterSet
from common.models import Region, User
from common.permissions import HasAnyRole, IsAdministrator
from common.registry import role_links
from common.security import CODE_LOCKED_OUT, MESSAGE_LOCKED_OUT
from common.services import user_create, user_deactivate, user_reactivate, user_update

from .serializers import (
    MeOutputSerializer,
    RegionOutputSerializer,
    TokenLoginInputSerializer,
    TokenOutputSerializer,
    UserCreateInputSerializer,
    UserOutputSerializer,
    UserUpdateInputSerializer,
    link_inputs,
)

MESSAGE_INVALID_CREDENTIALS = _("Unable to sign in with this username and password.")
MESSAGE_TOKEN_LIMIT = _("You have too many unexpired API tokens: log out with one of them first.")


@extend_schema(responses=MeOutputSerializer, operation_id="me_retrieve", tags=["identity"])
@api_view(["GET"])
def me(request):
    """Who am I: the signed-in user, their role, a regional official's regions, an employer user's employer."""
    return Response(MeOutputSerializer(request.user, context={"request": request}).data)


# ---------------------------------------------------------------------------------------------
# API tokens (django-rest-knox): expiring, stored hashed
# ---------------------------------------------------------------------------------------------
class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = CODE_LOCKED_OUT
    default_detail = MESSAGE_LOCKED_OUT


class TokenLoginView(KnoxLoginView):
    """Exchange a username and password for an API token.

    Goes through `authenticate(request=...)` so django-axes counts failures and locks the username
    at this address after AXES_FAILURE_LIMIT of them (429, `locked_out`).
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["identity"],
        auth=[],
        request=TokenLoginInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(description="Invalid input, or wrong username or password (`invalid_credentials`)."),
            429: OpenApiResponse(description="Locked out after too many failures (`locked_out`)."),
        },
    )
    def post(self, request, format=None):
        serializer = TokenLoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        http_request = request._request  # the request django-axes marks and its middleware reads
        user = authenticate(http_request, **serializer.validated_data)
        if getattr(http_request, "axes_locked_out", False):
            raise LockedOut()
        if user is None:
            raise DomainError(MESSAGE_INVALID_CREDENTIALS, code="invalid_credentials", status_code=400)
        live = get_token_model().objects.filter(user=user, expiry__gt=timezone.now())
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit is not None and live.count() >= limit:
            raise DomainError(MESSAGE_TOKEN_LIMIT, code="token_limit_reached")
        request.user = user
        instance, token = self.create_token()
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response(TokenOutputSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenLogoutView(KnoxLogoutView):
    """Delete the API token this request was made with."""

    @extend_schema(operation_id="auth_logout_create", tags=["identity"], request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


# ---------------------------------------------------------------------------------------------
# Regions (reference data: every role, administrators included, reads them)
# ---------------------------------------------------------------------------------------------
@extend_schema_view(list=extend_schema(tags=["reference data"]), retrieve=extend_schema(tags=["reference data"]))
class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Regions of Kazakhstan with their validity dates; `?valid_on=YYYY-MM-DD` keeps those in force that day."""

    serializer_class = RegionOutputSerializer
    permission_classes = [HasAnyRole]
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"

    def get_queryset(self):
        return Region.objects.all()


# ---------------------------------------------------------------------------------------------
# Users (administrators only; never deleted)
# ---------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(tags=["users"]),
    retrieve=extend_schema(tags=["users"]),
    create=extend_schema(tags=["users"], request=UserCreateInputSerializer, responses={201: UserOutputSerializer}),
    partial_update=extend_schema(tags=["users"], request=UserUpdateInputSerializer, responses=UserOutputSerializer),
    deactivate=extend_schema(tags=["users"], request=None, responses=UserOutputSerializer),
    reactivate=extend_schema(tags=["users"], request=None, responses=UserOutputSerializer),
)
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """User accounts and their roles. Users are deactivated, never deleted (DELETE answers 405)."""

    serializer_class = UserOutputSerializer
    permission_classes = [IsAdministrator]
    filterset_class = UserFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        related = [link.source.replace(".", "__") for link in role_links()]
        return User.objects.visible_to(self.request.user).with_role_facts().select_related(*related)

    def _output(self, user, status_code=status.HTTP_200_OK):
        user = self.get_queryset().get(pk=user.pk)
        return Response(self.get_serializer(user).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = UserCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        links = link_inputs(data)
        user = user_create(**data, links=links, actor=request.user)
        return self._output(user, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        serializer = UserUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        links = link_inputs(data)
        user_update(user=user, **data, links=links, actor=request.user)
        return self._output(user)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        """Deactivate the account: its sessions and API tokens stop working at once."""
        user = user_deactivate(user=self.get_object(), actor=request.user)
        return self._output(user)

    @action(detail=True, methods=["post"])
    def reactivate(self, request, *args, **kwargs):
        user = user_reactivate(user=self.get_object(), actor=request.user)
        return self._output(user)
