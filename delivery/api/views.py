"""Delivery's API: thin views over delivery.services. Every POST needs an
Idempotency-Key header (core.idempotency): the same key again returns the first
answer and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.ratelimit import ScopedThrottle
from accounts.typed import ascii_int
from core.idempotency import idempotent_post, served_digest

from .. import selectors, services
from ..exceptions import InvalidEvent, InvalidPostman
from ..models import Article, EventType
from ..permissions import (
    BEAT_ROLES,
    MAIL_ROOM_ROLES,
    OFFICE_ROLES,
    access_article_for,
    access_bag_for,
    office_of,
    require_at_office,
)
from .serializers import (
    AttemptIn,
    BagDispatchIn,
    BagReceiveIn,
    DeliverIn,
    EventIn,
    OutForDeliveryIn,
    article_json,
    event_json,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A fresh random key per action (1-255 printable ASCII characters); a retry with the same key returns the first answer.",
)


def _keyed(request: Request, *, endpoint: str, call: Callable[[str], tuple[int, dict]]) -> Response:
    """Run `call` with the digest of the request's Idempotency-Key (unique across
    senders), which it writes on the tracking event it makes; the view's
    @idempotent_post stores and replays the answer."""
    status, body = call(served_digest())
    return Response(body, status=status)


def _postman_from(value: Any, *, actor: User) -> User:
    """The postman named in a request: an id or a username. A postman calling without
    one takes the article out themselves."""
    if actor.role == Role.POSTMAN and (value in (None, "") or str(value) in (str(actor.pk), actor.username)):
        return actor
    if actor.role == Role.POSTMAN:
        raise InvalidPostman(_("A postman can take out articles only on their own beat."))
    if value in (None, ""):
        raise InvalidPostman(details={"postman": _("Choose a postman.")})
    pk = ascii_int(value)
    lookup = {"pk": pk} if pk is not None else {"username": str(value)}
    postman = User.objects.filter(role=Role.POSTMAN, **lookup).first()
    if postman is None:
        raise InvalidPostman
    return postman


def _article_answer(event, extra: dict | None = None) -> dict:
    article = Article.objects.get(pk=event.article_id)
    body = {
        "status": article.status,
        "article_number": article.number,
        "failed_attempts": article.failed_attempts,
        "event": event_json(event),
    }
    body.update(extra or {})
    return body


class _KeyedArticleView(APIView):
    roles: tuple[str, ...] = BEAT_ROLES
    endpoint = ""
    input_class: type | None = None

    def post(self, request: Request, number: str) -> Response:
        article = access_article_for(request.user, number, *self.roles)
        require_at_office(request.user, article)
        data: dict = {}
        if self.input_class is not None:
            serializer = self.input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        return _keyed(
            request,
            endpoint=f"{self.endpoint}:{article.number}",
            call=lambda key: self.perform(request, article, data, key),
        )

    def perform(self, request: Request, article: Article, data: dict, key: str | None) -> tuple[int, dict]:
        raise NotImplementedError


class OutForDeliveryView(_KeyedArticleView):
    endpoint = "out-for-delivery"
    input_class = OutForDeliveryIn

    @extend_schema(request=OutForDeliveryIn, parameters=[IDEMPOTENCY_HEADER], responses={200: dict})
    @idempotent_post("delivery.out_for_delivery")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, request, article, data, key):
        postman = _postman_from(data.get("postman"), actor=request.user)
        event = services.article_out_for_delivery(
            article_number=article.number, postman=postman, actor=request.user, idempotency_key=key
        )
        state = selectors.otp_state(article=event.article)
        return 200, _article_answer(
            event,
            {
                "postman": {"id": postman.pk, "name": postman.get_full_name() or postman.username},
                "otp_sent": article.needs_otp and state["live"],
            },
        )


def _deliver(request: Request, article: Article, data: dict, key: str | None):
    return services.article_deliver(
        article_number=article.number,
        actor=request.user,
        otp=data.get("otp") or None,
        receiver_name=data.get("receiver_name", ""),
        receiver_kind=data.get("receiver_kind") or "addressee",
        signature_png=services.signature_from_data_url(data.get("signature")),
        occurred_at=data.get("occurred_at"),
        idempotency_key=key,
    )


class DeliverView(_KeyedArticleView):
    endpoint = "deliver"
    input_class = DeliverIn

    @extend_schema(request=DeliverIn, parameters=[IDEMPOTENCY_HEADER], responses={200: dict})
    @idempotent_post("delivery.deliver")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, request, article, data, key):
        event = _deliver(request, article, data, key)
        return 200, _article_answer(event, {"delivered_at": event_json(event)["at"]})


class ResendOtpView(_KeyedArticleView):
    endpoint = "resend-otp"

    @extend_schema(request=None, parameters=[IDEMPOTENCY_HEADER], responses={200: dict})
    @idempotent_post("delivery.resend_otp")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, request, article, data, key):
        result = services.article_otp_resend(article_number=article.number, actor=request.user)
        return 200, {
            "sent": True,
            "article_number": article.number,
            "sends_left_today": result.sends_left_today,
            "next_send_at": result.next_send_at.isoformat(timespec="seconds"),
        }


def _attempt(request: Request, article: Article, data: dict, key: str | None):
    return services.article_attempt(
        article_number=article.number,
        reason=data.get("reason", ""),
        note=data.get("note", ""),
        actor=request.user,
        occurred_at=data.get("occurred_at"),
        idempotency_key=key,
    )


class AttemptView(_KeyedArticleView):
    endpoint = "attempt"
    input_class = AttemptIn

    @extend_schema(request=AttemptIn, parameters=[IDEMPOTENCY_HEADER], responses={200: dict})
    @idempotent_post("delivery.attempt")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, request, article, data, key):
        event = _attempt(request, article, data, key)
        answer = _article_answer(event)
        answer["returned_to_sender"] = answer["status"] == "returned"
        return 200, answer


class ArticleEventsView(_KeyedArticleView):
    """GET the timeline; POST {"type", ...} records any step the caller's role allows."""

    endpoint = "events"
    roles = OFFICE_ROLES
    input_class = EventIn

    @extend_schema(responses={200: dict})
    def get(self, request: Request, number: str) -> Response:
        article = access_article_for(request.user, number)
        events = selectors.tracking_events(article.number)
        return Response({"article": article_json(article), "events": [event_json(e) for e in events]})

    @extend_schema(request=EventIn, parameters=[IDEMPOTENCY_HEADER], responses={201: dict})
    @idempotent_post("delivery.article_events")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, request, article, data, key):
        kind = data["type"]
        user = request.user
        if kind in (EventType.DISPATCHED, EventType.RECEIVED, EventType.RETURNED, EventType.REDIRECTED):
            office = office_of(user, *MAIL_ROOM_ROLES)
        if (
            kind in (EventType.OUT_FOR_DELIVERY, EventType.ATTEMPTED, EventType.DELIVERED)
            and user.role not in BEAT_ROLES
        ):
            office_of(user, *BEAT_ROLES)  # raises PermissionDenied
        if kind == EventType.DISPATCHED:
            if not data.get("to_office"):
                raise InvalidEvent(details={"to_office": _("Choose the office to send it to.")})
            event = services.article_dispatch(
                article_number=article.number, to_office_id=data["to_office"], actor=user, idempotency_key=key
            )
        elif kind == EventType.RECEIVED:
            event = services.article_receive(
                article_number=article.number, office_id=office.pk, actor=user, idempotency_key=key
            )
        elif kind == EventType.OUT_FOR_DELIVERY:
            postman = _postman_from(data.get("postman"), actor=user)
            event = services.article_out_for_delivery(
                article_number=article.number, postman=postman, actor=user, idempotency_key=key
            )
        elif kind == EventType.ATTEMPTED:
            event = _attempt(request, article, data, key)
        elif kind == EventType.DELIVERED:
            event = _deliver(request, article, data, key)
        elif kind == EventType.RETURNED:
            event = services.article_return(
                article_number=article.number,
                reason=data.get("reason") or data.get("note", ""),
                actor=user,
                idempotency_key=key,
            )
        else:  # redirected
            event = services.article_redirect(
                article_number=article.number,
                address=data.get("address", ""),
                pin=data.get("pin", ""),
                actor=user,
                idempotency_key=key,
            )
        return 201, _article_answer(event)


class ArticleView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, number: str) -> Response:
        article = access_article_for(request.user, number)
        body = article_json(article)
        if article.needs_otp:
            body["otp"] = selectors.otp_state(article=article)
        return Response(body)


class BeatView(APIView):
    """The calling postman's beat today."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        office_of(request.user, Role.POSTMAN)
        articles = selectors.beat_for_postman(postman=request.user)
        rows = []
        for article in articles:
            row = article_json(article)
            if article.needs_otp:
                row["otp"] = selectors.otp_state(article=article)
            rows.append(row)
        return Response({"articles": rows})


def _refused_json(refused) -> list[dict]:
    return [{"number": r.number, "message": str(r.message)} for r in refused]


class BagsView(APIView):
    @extend_schema(request=BagDispatchIn, parameters=[IDEMPOTENCY_HEADER], responses={201: dict})
    @idempotent_post("delivery.bags")
    def post(self, request: Request) -> Response:
        office = office_of(request.user, *MAIL_ROOM_ROLES)
        serializer = BagDispatchIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def call(key):
            result = services.bag_dispatch(
                article_numbers=data["articles"],
                from_office_id=office.pk,
                to_office_id=data["to_office"],
                actor=request.user,
            )
            body = {
                "bag": result.bag.number if result.bag else None,
                "bagged": [a.number for a in result.bagged],
                "refused": _refused_json(result.refused),
            }
            if result.bag is None:
                raise InvalidEvent(_("No article could be bagged."), details=body)
            return 201, body

        return _keyed(request, endpoint="bags", call=call)


class BagView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, bag: str) -> Response:
        row = access_bag_for(request.user, bag)
        items = selectors.bag_items(row)
        return Response(
            {
                "bag": row.number,
                "status": row.status,
                "from_office": {"id": row.from_office_id, "name": selectors.office_name(row.from_office)},
                "to_office": {"id": row.to_office_id, "name": selectors.office_name(row.to_office)},
                "dispatched_at": row.dispatched_at.isoformat(timespec="seconds"),
                "articles": [{"article_number": i.article.number, "received": i.received} for i in items],
            }
        )


class BagReceiveView(APIView):
    @extend_schema(request=BagReceiveIn, parameters=[IDEMPOTENCY_HEADER], responses={200: dict})
    @idempotent_post("delivery.bag_receive")
    def post(self, request: Request, bag: str) -> Response:
        office = office_of(request.user, *MAIL_ROOM_ROLES)
        row = access_bag_for(request.user, bag)
        serializer = BagReceiveIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        numbers = serializer.validated_data.get("articles") or None

        def call(key):
            result = services.bag_receive(
                bag=row.number, office_id=office.pk, actor=request.user, article_numbers=numbers
            )
            return 200, {
                "bag": row.number,
                "received": [a.number for a in result.received],
                "missing": [a.number for a in result.missing],
                "refused": _refused_json(result.refused),
            }

        return _keyed(request, endpoint=f"bag-receive:{row.number}", call=call)


class PublicTrackView(APIView):
    """Public tracking, no login: the timeline with office names and IST times, the
    addressee masked. Throttled per client (scope "track")."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "track"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, number: str) -> Response:
        return Response(selectors.public_tracking(number))
