"""User accounts over the API, for administrators only (passwords can be set, never read); the API token."""

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, permissions, serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IF_MATCH, LoginRateThrottle, ProtectedFieldsMixin, VersionedMixin, version_etag
from regions.models import Region, Unit
from regions.selectors import region_prefix

from . import permissions as perms
from . import tokens
from .models import User
from .services import audit_record, user_has_totp
from .services import users as user_services


class IsAdministrator(permissions.BasePermission):
    def has_permission(self, request, view):
        return perms.is_admin(request.user)


class UserSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        trim_whitespace=False,
        help_text=_("New password (never returned); required on creation. The user must change it at first login."),
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Id of the unit a reporter reports for."),
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Division code of the region overseen; null for every region."),
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "unit",
            "region",
            "is_active",
            "must_change_password",
            "last_login",
            "date_joined",
            "password",
        ]
        read_only_fields = ["must_change_password", "last_login", "date_joined"]
        extra_kwargs = {
            "username": {"help_text": _("Login name.")},
            "first_name": {"help_text": _("Given name.")},
            "last_name": {"help_text": _("Family name.")},
            "email": {"help_text": _("E-mail address.")},
            "role": {
                "help_text": _("reporter (填报员), supervisor (督查室), leader (领导), admin or auditor (审计员).")
            },
            "is_active": {"help_text": _("False blocks the account from logging in.")},
            "must_change_password": {"help_text": _("The user must choose a new password at next login.")},
            "last_login": {"help_text": _("When the user last logged in.")},
            "date_joined": {"help_text": _("When the account was created.")},
        }

    def validate(self, attrs):
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("Give the new account a password.")]})
        return attrs


class UserFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text=_("Division code of the region."))

    class Meta:
        model = User
        fields = ["role", "unit", "region", "is_active"]


@extend_schema_view(update=extend_schema(parameters=[IF_MATCH]), partial_update=extend_schema(parameters=[IF_MATCH]))
class UserViewSet(VersionedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Administrators list, create and change accounts (roles, units, regions); every change is audited."""

    queryset = User.objects.none()  # the model, for the schema; get_queryset scopes the rows
    serializer_class = UserSerializer
    permission_classes = [IsAdministrator]
    filterset_class = UserFilter
    ordering_fields = ["username", "id", "last_login"]

    def get_queryset(self):
        users = User.objects.select_related("unit", "region").order_by("username")
        admin = self.request.user
        if admin.region_id is None:
            return users
        prefix = region_prefix(admin.region)
        return users.filter(region__code__startswith=prefix) | users.filter(unit__county__code__startswith=prefix[:6])

    def etag_of(self, obj) -> str:
        return version_etag(user_services.user_fingerprint(obj))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = user_services.user_create(by=self.request.user, password=data.pop("password"), **data)

    def perform_versioned_update(self, serializer, expected_version):
        data = dict(serializer.validated_data)
        serializer.instance = user_services.user_update(
            user=serializer.instance,
            by=self.request.user,
            expected_fingerprint=expected_version,
            password=data.pop("password", None),
            **data,
        )


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text=_(
            "The 6-digit code from the authenticator app; required when the account has one "
            "(and in production for administrators and the supervision office, who must have one)."
        ),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user, code = attrs["user"], attrs.get("otp", "")
        if user.must_change_password:
            raise exceptions.PermissionDenied(
                gettext("Choose a new password in the browser before asking for a token.")
            )
        if user_has_totp(user):
            if not code:
                raise exceptions.ValidationError({"otp": [gettext("Enter the code from your authenticator app.")]})
            if match_token(user, code) is None:
                audit_record(action="auth.otp_failed", by=user, obj=user, outcome="failure", new={"via": "api-token"})
                raise exceptions.ValidationError(
                    {"otp": [gettext("That code is not right; check the time on your phone and try again.")]}
                )
        elif perms.needs_second_factor(user):
            raise exceptions.PermissionDenied(
                gettext("Your role must use a second factor; set it up in the browser first.")
            )
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))
    expiry = serializers.DateTimeField(
        help_text=_(
            "When the token lapses unless used: each use pushes it on by the idle time, up to the "
            "absolute limit after issue."
        )
    )


class ObtainTokenView(generics.GenericAPIView):
    """POST {"username", "password"[, "otp"]} → {"token", "expiry"}; throttled per IP, audited. The token
    goes in `Authorization: Token …`; it lapses after 30 minutes unused and 12 hours in all, and ends at
    log-out, lockout, and a change of password, role, unit, region or active flag. The second factor is
    asked as at the browser log-in: of whoever has an authenticator app, and required of the roles in
    OTP_REQUIRED_ROLES."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginRateThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(responses=TokenResponseSerializer)
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance, token = tokens.token_issue(user=serializer.validated_data["user"])
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry}).data)


class RevokeTokenView(APIView):
    """POST with the token in `Authorization` → 204: the caller's tokens all end (log-out for scripts)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        tokens.tokens_revoke(user=request.user, username=request.user.username, reason="logout")
        return Response(status=204)
