import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The shared users are created for almost every test here; the production hasher's deliberate slowness
    # would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
