"""Password and user-name rules required by GB/T 22239-2019 level 3 (identity verification)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Names an attacker tries first; none of them may be an account (GB/T 22239 asks that default
# administrator accounts be renamed or removed).
RESERVED_USERNAMES = frozenset({"admin", "administrator", "root", "sa", "superuser", "system", "管理员"})

CHARACTER_CLASSES = (
    ("lowercase letters", str.islower),
    ("uppercase letters", str.isupper),
    ("digits", str.isdigit),
    ("symbols", lambda ch: ch in string.punctuation or not ch.isalnum()),
)


def validate_username_not_reserved(value):
    if str(value).strip().lower() in RESERVED_USERNAMES:
        raise ValidationError(
            _("“%(name)s” is reserved and cannot be an account name; choose a personal one."),
            code="reserved_username",
            params={"name": value},
        )


def character_classes(password: str) -> int:
    return sum(1 for _name, test in CHARACTER_CLASSES if any(test(ch) for ch in password))


class CharacterClassesValidator:
    """At least `min_classes` of: lowercase, uppercase, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d of: lowercase letters, uppercase letters, digits, symbols.",
            "Your password must mix at least %(n)d of: lowercase letters, uppercase letters, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}
