from core.network import client_ip

from . import context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200])
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
