from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .serializers import MeOutputSerializer


@extend_schema(responses=MeOutputSerializer, operation_id="me_retrieve", tags=["identity"])
@api_view(["GET"])
def me(request):
    """Who am I: the signed-in user."""
    return Response(MeOutputSerializer(request.user).data)
