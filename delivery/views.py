"""Delivery's pages: the postman's phone, the delivery office, bags, public tracking.
Thin: they read through selectors and change state only through services."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import PostOffice, Role
from accounts.ratelimit import ScopedThrottle
from accounts.typed import ascii_int
from core.exceptions import DomainError

from . import selectors, services
from .clock import ist_date
from .exceptions import ArticleNotFound, BagNotFound, InvalidArticleNumber
from .models import AttemptReason, ReceiverKind
from .permissions import MAIL_ROOM_ROLES, OFFICE_ROLES, access_article_for, access_bag_for, office_of, require_at_office
from .s10 import s10_display

_SPLIT_RE = re.compile(r"[\s,;]+")


def _numbers(text: str) -> list[str]:
    """A scanner types each number followed by Enter; people type spaces or commas."""
    return [part for part in _SPLIT_RE.split(text or "") if part]


def _offices_for_dispatch(exclude_id: int) -> list[tuple[int, str]]:
    offices = PostOffice.objects.exclude(pk=exclude_id).order_by("name")
    return [(o.pk, f"{selectors.office_name(o)} ({o.pin})") for o in offices]


# --- the postman's phone -----------------------------------------------------------------


def _tries_left_texts() -> str:
    """'n tries left' for every n the phone may show after a wrong code, so the line under
    the code field follows the server's count (static/js/delivery-beat.js)."""
    limit = settings.DELIVERY_OTP_MAX_WRONG
    return json.dumps({n: ngettext("%(n)s try left", "%(n)s tries left", n) % {"n": n} for n in range(1, limit + 1)})


@never_cache
@login_required
def postman_home(request: HttpRequest) -> HttpResponse:
    """Today's beat on the postman's phone (360 px). Actions go to the JSON API from
    static/js/delivery-beat.js, which queues them on the phone while the link is down."""
    office = office_of(request.user, Role.POSTMAN)
    beat = selectors.beat_for_postman(postman=request.user)
    cards = []
    for article in beat:
        cards.append(
            {
                "article": article,
                "display": s10_display(article.number),
                "otp": selectors.otp_state(article=article) if article.needs_otp else None,
                "open": article.status == "out_for_delivery",
            }
        )
    ready = list(selectors.articles_ready_for_beat(office_id=office.pk)[:200])
    return render(
        request,
        "delivery/postman_home.html",
        {
            "office": office,
            "office_name": selectors.office_name(office),
            "cards": cards,
            "open_count": sum(1 for c in cards if c["open"]),
            "ready": [{"article": a, "display": s10_display(a.number)} for a in ready],
            "reasons": AttemptReason.choices,
            "receiver_kinds": [(v, label) for v, label in ReceiverKind.choices if v != ReceiverKind.SENDER],
            "today": ist_date(),
            "tries_left_texts": _tries_left_texts(),
        },
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The postman's offline helper, served under /delivery/ so its scope covers the
    beat page (a worker may only control pages at or below its own path)."""
    response = render(request, "delivery/sw.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# --- the delivery office -------------------------------------------------------------------


@never_cache
@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The delivery side of an office: out today, delivered, attempts and their
    reasons, OTP wrong tries and lockouts, articles due to go back."""
    office = office_of(request.user, *OFFICE_ROLES)
    summary = selectors.office_delivery_summary(office_id=office.pk)
    return render(
        request,
        "delivery/office_home.html",
        {
            "office": office,
            "office_name": selectors.office_name(office),
            "summary": summary,
            "attempts": selectors.attempts_today(office_id=office.pk)[:100],
            "otp_trouble": selectors.otp_trouble_today(office_id=office.pk)[:100],
            "incoming": list(selectors.bags_incoming(office_id=office.pk)),
            "bags": selectors.bags_recent(office_id=office.pk),
            "can_mail_room": request.user.role in MAIL_ROOM_ROLES,
            "can_assign": request.user.role == Role.POSTMASTER,
            "max_wrong": settings.DELIVERY_OTP_MAX_WRONG,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assign_beats(request: HttpRequest) -> HttpResponse:
    """The postmaster gives the day's articles to the postmen of the office."""
    office = office_of(request.user, Role.POSTMASTER)
    postmen = list(selectors.postmen_of_office(office_id=office.pk))
    if request.method == "POST":
        chosen = next((p for p in postmen if str(p.pk) == request.POST.get("postman")), None)
        numbers = request.POST.getlist("article")
        if chosen is None:
            messages.error(request, _("Choose a postman."))
        elif not numbers:
            messages.error(request, _("Tick the articles to give out."))
        else:
            done, failed = 0, []
            for number in numbers:
                try:
                    services.article_out_for_delivery(article_number=number, postman=chosen, actor=request.user)
                    done += 1
                except DomainError as exc:
                    failed.append(f"{number}: {exc.message}")
            if done:
                messages.success(
                    request,
                    _("%(n)s article(s) given to %(name)s for delivery.")
                    % {"n": done, "name": chosen.get_full_name() or chosen.username},
                )
            for line in failed:
                messages.error(request, line)
        return redirect("delivery:assign")
    ready = list(selectors.articles_ready_for_beat(office_id=office.pk)[:500])
    return render(
        request,
        "delivery/assign.html",
        {
            "office_name": selectors.office_name(office),
            "postmen": postmen,
            "ready": [{"article": a, "display": s10_display(a.number)} for a in ready],
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: HttpRequest) -> HttpResponse:
    """Bag articles for another office by scanning or typing their numbers."""
    office = office_of(request.user, *MAIL_ROOM_ROLES)
    context: dict = {"office_name": selectors.office_name(office), "offices": _offices_for_dispatch(office.pk)}
    if request.method == "POST":
        context["numbers"] = request.POST.get("numbers", "")
        context["to_office"] = request.POST.get("to_office", "")
        try:
            to_office = ascii_int(request.POST.get("to_office", ""))
            if to_office is None:
                raise ValueError("no office chosen")
            result = services.bag_dispatch(
                article_numbers=_numbers(request.POST.get("numbers", "")),
                from_office_id=office.pk,
                to_office_id=to_office,
                actor=request.user,
            )
        except (DomainError, ValueError) as exc:
            context["error"] = getattr(exc, "message", _("Choose the office to send the bag to."))
            return render(request, "delivery/dispatch.html", context, status=400)
        context["result"] = result
        if result.bag is not None:
            context["numbers"] = ""
    return render(request, "delivery/dispatch.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    """Receive a bag: every article in it, or only those scanned on opening it."""
    office = office_of(request.user, *MAIL_ROOM_ROLES)
    context: dict = {
        "office_name": selectors.office_name(office),
        "incoming": list(selectors.bags_incoming(office_id=office.pk)),
    }
    if request.method == "POST":
        numbers = _numbers(request.POST.get("numbers", ""))
        context["bag_value"] = request.POST.get("bag", "")
        try:
            access_bag_for(request.user, request.POST.get("bag", ""))
            result = services.bag_receive(
                bag=request.POST.get("bag", ""),
                office_id=office.pk,
                actor=request.user,
                article_numbers=numbers or None,
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "delivery/receive.html", context, status=400)
        context["result"] = result
        context["incoming"] = list(selectors.bags_incoming(office_id=office.pk))
    return render(request, "delivery/receive.html", context)


@login_required
def manifest(request: HttpRequest, bag: str) -> HttpResponse:
    """The bag's printable manifest."""
    try:
        row = access_bag_for(request.user, bag)
    except BagNotFound as exc:  # missing and not-yours alike: the plain 404 page
        raise Http404 from exc
    items = selectors.bag_items(row)
    return render(
        request,
        "delivery/manifest.html",
        {
            "bag": row,
            "from_name": selectors.office_name(row.from_office),
            "to_name": selectors.office_name(row.to_office),
            "items": [{"item": i, "display": s10_display(i.article.number)} for i in items],
            "count": len(items),
            "received_count": sum(1 for i in items if i.received),
            "total_weight_g": sum(i.article.weight_g for i in items),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def article_detail(request: HttpRequest, number: str) -> HttpResponse:
    """An article's full journey for staff; the postmaster can return or redirect it."""
    try:
        article = access_article_for(request.user, number)
    except (InvalidArticleNumber, ArticleNotFound) as exc:
        return render(request, "delivery/article.html", {"error": exc.message}, status=exc.status)
    if request.method == "POST":
        if request.user.role != Role.POSTMASTER:
            raise PermissionDenied
        require_at_office(request.user, article)
        try:
            if request.POST.get("action") == "return":
                services.article_return(
                    article_number=article.number, reason=request.POST.get("reason", ""), actor=request.user
                )
                messages.success(request, _("The article will go back to its sender."))
            elif request.POST.get("action") == "redirect":
                services.article_redirect(
                    article_number=article.number,
                    address=request.POST.get("address", ""),
                    pin=request.POST.get("pin", ""),
                    actor=request.user,
                )
                messages.success(request, _("The article is redirected to the new address."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("delivery:article", number=article.number)
    events = selectors.tracking_events(article.number)
    return render(
        request,
        "delivery/article.html",
        {
            "article": article,
            "display": s10_display(article.number),
            "events": [{"event": e, "office": selectors.office_name(e.office)} for e in events],
            "can_act": request.user.role == Role.POSTMASTER
            and article.status in ("at_office", "attempted")
            and not article.is_return,
        },
    )


# --- public tracking -------------------------------------------------------------------------


class _TrackScope:
    """Lets the page share the API's DRF throttle (scope "track", one budget per client)."""

    throttle_scope = "track"


def track(request: HttpRequest) -> HttpResponse:
    """Public article tracking (no login): the journey with office names and IST times,
    the addressee masked."""
    number = (request.GET.get("n") or "").strip()
    context: dict = {"number": number}
    status = 200
    if number:
        throttle = ScopedThrottle()
        if not throttle.allow_request(request, _TrackScope()):
            context["error"] = _("Too many look-ups from your connection. Please wait a minute and try again.")
            response = render(request, "delivery/track.html", context, status=429)
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response
        try:
            context["tracking"] = selectors.public_tracking(number)
        except (InvalidArticleNumber, ArticleNotFound) as exc:
            context["error"] = exc.message
            status = exc.status
    return render(request, "delivery/track.html", context, status=status)
