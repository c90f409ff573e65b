"""Own-account security pages: change password, set up and verify the second factor (TOTP)."""

import base64

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from .. import services
from ..services import users as user_services


def _next_url(request, default="home"):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse_lazy(default)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own view (it keeps this session and invalidates the user's others), plus the audit."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_services.password_changed(user=form.user)
        messages.success(self.request, _("Your password has been changed; your other sessions have ended."))
        return response


def qr_svg(data: str) -> str:
    """The QR code as inline SVG markup, drawn here: no image service sees the secret."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    # Replacing a device needs the old one first: a stolen password alone must not enrol a new phone.
    if services.user_has_totp(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('otp-verify')}?next={request.path}")
    device = services.totp_device_pending(user=request.user)
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            services.totp_device_confirm(device=device, by=request.user)
            otp_login(request, device)
            messages.success(request, _("Second factor enabled: you will be asked for a code at every log-in."))
            return redirect(_next_url(request))
        messages.error(request, _("That code is not right; check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "qr": qr_svg(device.config_url),
            "secret": secret,
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("token", "").strip())
        if device is not None:
            otp_login(request, device)
            services.audit_record(action="auth.otp_verified", by=request.user, obj=request.user)
            return redirect(_next_url(request))
        services.audit_record(action="auth.otp_failed", by=request.user, obj=request.user, outcome="failure")
        messages.error(request, _("That code is not right; check the time on your phone and try again."))
    if not services.user_has_totp(request.user):
        return redirect(f"{reverse('otp-setup')}?next={request.GET.get('next', '')}")
    return render(request, "accounts/otp_verify.html", {"next": request.GET.get("next", "")})
