import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # These tests log in hundreds of times; the production hasher's million rounds are not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
