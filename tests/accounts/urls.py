"""The project's URLs plus a few views that fail on purpose, for the error-shape tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config import urls as project
from core.exceptions import InvalidTransition


class Forbidden(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise PermissionDenied


class Conflicting(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise InvalidTransition(details={"from": "booked", "to": "delivered"})

    def get(self, request):
        return Response({})


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/v1/test-only/forbidden/", Forbidden.as_view()),
    path("api/v1/test-only/conflict/", Conflicting.as_view()),
    path("api/v1/test-only/boom/", boom),
    path("test-only/boom/", boom),
    *project.urlpatterns,
]

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
