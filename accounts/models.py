"""Users with a role, and the append-only audit log."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from . import permissions, roles
from .roles import STAFF_MATCHES_ROLE, SUPERUSER_MATCHES_ROLE, role_flag_errors
from .validators import validate_username_not_reserved


class Role(models.TextChoices):
    REPORTER = roles.REPORTER, _("unit reporter")
    SUPERVISOR = roles.SUPERVISOR, _("supervision office")
    LEADER = roles.LEADER, _("leader")
    ADMIN = roles.ADMIN, _("administrator")
    AUDITOR = roles.AUDITOR, _("auditor")


class UserManager(BaseUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser is an administrator: the role check constraints demand it.
        extra_fields.setdefault("role", Role.ADMIN)
        validate_username_not_reserved(username)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
        validators=[UnicodeUsernameValidator(), validate_username_not_reserved],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        "regions.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The unit a reporter reports for."),
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The region a supervisor or leader oversees; empty means every region."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for accounts an administrator creates: the user must choose a new password at first log-in."),
    )

    objects = UserManager()

    @property
    def shown_name(self) -> str:
        """The name pages, documents and exports show for the person: the full name, else the username."""
        return self.get_full_name() or self.get_username()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="reporter") | models.Q(unit__isnull=False),
                name="reporter_has_unit",
                violation_error_message=_("A reporter must belong to a unit."),
            ),
            models.CheckConstraint(
                condition=STAFF_MATCHES_ROLE,
                name="only_admin_is_staff",
                violation_error_message=_("Only an administrator can enter the admin site."),
            ),
            models.CheckConstraint(
                condition=SUPERUSER_MATCHES_ROLE,
                name="only_admin_is_superuser",
                violation_error_message=_("Only an administrator can be a superuser."),
            ),
        ]

    def clean(self):
        super().clean()
        errors = role_flag_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def is_reporter(self):
        return permissions.is_reporter(self)

    @property
    def sees_whole_region(self):
        return permissions.sees_whole_region(self)


class AuditEvent(models.Model):
    """One write that mattered. Rows are only ever inserted; each carries the hash of the one before."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        # DO_NOTHING: deleting a user must not rewrite audit rows (the database refuses UPDATE on
        # them); the row keeps the username and the now-dangling id.
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, default="success")
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"


class Notification(models.Model):
    """An in-app message: a returned report, an approval, a new submission, a supervision notice, a reminder."""

    user = models.ForeignKey(User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    message = models.CharField(_("message"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(
        _("de-duplication key"),
        max_length=200,
        blank=True,
        help_text=_(
            "When set, one user never gets two notifications with the same key (e.g. one reminder per period)."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_unique_dedupe_key"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.message


class LoginGuard(models.Model):
    """Password checks taken in the current window for one account name ("name:…") or client address
    ("ip:…"), reserved before the check (accounts.lockout)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    checks = models.PositiveIntegerField(_("checks"), default=0)
    window_start = models.DateTimeField(_("window start"), default=timezone.now)

    class Meta:
        verbose_name = _("log-in guard")
        verbose_name_plural = _("log-in guards")

    def __str__(self):
        return f"{self.key}: {self.checks}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox, KNOX_TOKEN_MODEL): only a SHA-512 digest of it is stored. It lapses
    after the session's idle time unused and the session's absolute time in all, and ends at log-out,
    lockout and any change to the account's password, role, unit, region or active flag
    (access_stamp, compared at every use by accounts.api_auth)."""

    access_stamp = models.CharField(_("access stamp"), max_length=64)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.token_key}… {self.user}"


class ChannelKind(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk group robot")
    ZWDING = "zwding", _("Zhezhengding group robot")
    WECOM = "wecom", _("WeCom group robot")
    SMS = "sms", _("SMS gateway")


class UnitChannel(models.Model):
    """Where a unit's notices also go besides the app and e-mail: a group robot's webhook or an SMS gateway."""

    unit = models.ForeignKey("regions.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    url = models.URLField(
        _("webhook URL"), max_length=500, help_text=_("The robot's webhook address, or the SMS gateway's address.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "DingTalk / Zhezhengding: the robot's signing secret (SEC…), if signing is on. "
            "SMS gateway: sent as a bearer token."
        ),
    )
    phone = models.CharField(
        _("phone numbers"),
        max_length=300,
        blank=True,
        help_text=_("SMS only: the numbers to text, separated by commas."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("unit channel")
        verbose_name_plural = _("unit channels")

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to send")
    SENT = "sent", _("delivered")
    FAILED = "failed", _("delivery failed")


class ChannelDelivery(models.Model):
    """One notice to one channel; the Celery task sends it and retries it until sent or given up."""

    channel = models.ForeignKey(
        UnitChannel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="deliveries"
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    dedupe_key = models.CharField(_("de-duplication key"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel delivery")
        verbose_name_plural = _("channel deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="channel_delivery_unique_dedupe_key",
            )
        ]

    def __str__(self):
        return f"{self.channel}: {self.title}"
