"""Who sent a request: the client address, believed from X-Forwarded-For only behind TRUSTED_PROXIES."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(cidrs: tuple) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The address of whoever sent the request: the throttle, the lockout and the audit log all ask here.

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES (CIDRs): then X-Forwarded-For is read from the
    right, past every trusted proxy, and the first hop that is not one is the client. A header sent
    by anyone else is ignored, so a script cannot pick a fresh address per request; the leftmost
    hop is never taken on trust, because a client writes it.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage from beyond the proxy: the proxy is the last address we know
    return hops[0] if hops else remote
