"""Settings of the application server the lockout race tests start (tests/security/live_server.py):
the project's own, with a password hasher that takes as long as a production one and writes down
every hash check, so a test can count the guesses that reached a hash."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.security.live_server.CountingHasher"]
