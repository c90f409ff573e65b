"""Whether an error means a backing service (the database, Redis, the broker) is down rather than a bug."""

from django.db import InterfaceError, OperationalError


def _cache_unavailable_errors() -> tuple:
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover - redis is in requirements
        return ()
    return redis.exceptions.ConnectionError, redis.exceptions.TimeoutError


# What the cache backend raises when Redis is away.
CACHE_UNAVAILABLE = _cache_unavailable_errors()


def _unavailable_errors():
    errors = [OperationalError, InterfaceError, *CACHE_UNAVAILABLE]
    try:
        import kombu.exceptions

        errors.append(kombu.exceptions.OperationalError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


UNAVAILABLE = _unavailable_errors()


def caused_by_outage(exc) -> bool:
    """Whether the exception (or one it was raised from) says a backing service is down."""
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
