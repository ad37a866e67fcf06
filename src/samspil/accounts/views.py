from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspil.accounts.forms import EnrolForm, LoginForm, SecondFactorForm
from samspil.accounts.middleware import public_view
from samspil.accounts.request import is_verified
from samspil.accounts.services import has_second_factor, totp_device_confirm, totp_device_start
from samspil.audit.constants import Action
from samspil.audit.services import audit_record


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


class SamspilLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False
    samspil_public = True

    def get_success_url(self) -> str:
        verify = "/konto/bekraeft/"
        return f"{verify}?next={_next_url(self.request)}"


@public_view
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if is_verified(user):
        return redirect(_next_url(request))
    if not has_second_factor(user):  # type: ignore[arg-type]
        return redirect(f"/konto/tilmeld/?next={_next_url(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit_record(
                actor=user,
                action=Action.LOGIN,
                obj=user,  # type: ignore[arg-type]
                reason=f"second factor: {device.__class__.__name__}",
            )
            return redirect(_next_url(request))
        # A wrong code counts towards the lockout like a wrong password does.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        audit_record(
            actor=user,
            action=Action.LOGIN_FAILED,
            obj=user,  # type: ignore[arg-type]
            reason="wrong second-factor code",
        )
        form.add_error("token", _("The code is wrong or has been used. Try again."))
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)}
    )


@public_view
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: shown once, after the password, for a user without one."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if has_second_factor(user):  # type: ignore[arg-type]
        return redirect(f"/konto/bekraeft/?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = totp_device_start(user=user)  # type: ignore[arg-type]
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):  # type: ignore[arg-type]
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("The code does not match. Check the clock on your phone."))
    qr_svg = segno.make(device.config_url).svg_data_uri(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "qr": qr_svg, "secret": secret, "next": _next_url(request)},
    )


@require_POST
@public_view
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=Action.LOGOUT, obj=request.user)  # type: ignore[arg-type]
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Axes calls this when an account has too many failed attempts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
