"""API token authentication: django-rest-knox's (digest stored, idle and absolute expiry), plus what
ends a session ending the token, and read-only roles refused writes as the middleware refuses their
session requests (a view's own permission_classes cannot forget it)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from .security import read_only_may, read_only_role
from .tokens import token_is_current, tokens_revoke

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        match = getattr(request, "resolver_match", None)
        if (
            result
            and request.method not in SAFE_METHODS
            and read_only_role(result[0])
            and not read_only_may(result[0], match)
        ):
            raise exceptions.PermissionDenied()
        return result

    def validate_user(self, auth_token):
        if not token_is_current(auth_token):
            # The password, role, unit, region or active flag changed since the token was issued.
            tokens_revoke(user=auth_token.user, username=auth_token.user.username, reason="account_changed")
            raise exceptions.AuthenticationFailed(
                _("This token has ended because the account changed; ask for a new one.")
            )
        return super().validate_user(auth_token)


class ApiTokenScheme(KnoxTokenScheme):
    """The schema's security scheme for our subclass (drf-spectacular matches knox's class exactly)."""

    target_class = "accounts.api_auth.TokenAuthentication"
    name = "tokenAuth"
