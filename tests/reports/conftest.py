import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The shared cast's passwords are hashed with PBKDF2 otherwise, seconds per test for nothing tested here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def report_media(settings, tmp_path):
    """Generated files go to a temporary folder, not the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
