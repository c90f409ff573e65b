"""Token authentication that refuses writes by read-only roles (the auditor), as the middleware does
for session requests; a view's own permission_classes cannot forget it."""
from rest_framework import authentication, exceptions

from .security import read_only_role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result and request.method not in SAFE_METHODS and read_only_role(result[0]):
            raise exceptions.PermissionDenied()
        return result
