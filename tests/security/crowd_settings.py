"""`make run`'s settings (the embedded default, DEBUG off) with a fast password hasher, so a burst
of log-ins measures the database's locking, not PBKDF2 on two cores."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
