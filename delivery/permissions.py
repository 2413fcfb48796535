"""Access on a user's behalf (the accounts.permissions pattern, for articles and bags).

Article and bag numbers are sequential: one the user may not see is answered exactly
like one that does not exist (the same ArticleNotFound / BagNotFound, details and all).
A 403 is left for a user who sees it but may not act on it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import PostOffice, Role, User
from accounts.selectors import user_serves_office

from .exceptions import ArticleNotFound, BagNotFound
from .models import Article, Bag
from .selectors import article_get, bag_get

OFFICE_ROLES = (Role.POSTMASTER, Role.COUNTER_CLERK, Role.POSTMAN)
MAIL_ROOM_ROLES = (Role.POSTMASTER, Role.COUNTER_CLERK)  # bag, dispatch, receive
BEAT_ROLES = (Role.POSTMASTER, Role.POSTMAN)  # take out, deliver, attempt


def office_of(user: User, *roles: str) -> PostOffice:
    """The post office a staff user works in, if their role is one of `roles`."""
    if not user.is_authenticated or user.role not in (roles or OFFICE_ROLES) or user.post_office_id is None:
        raise PermissionDenied
    return user.post_office


def _covers(user: User, office_id: int | None) -> bool:
    # The one jurisdiction rule (accounts.selectors): an office's own staff, and the
    # clerks and postmaster of its head office. An administrator serves every office
    # but acts from none, so is not covered here.
    return office_id is not None and user.role in OFFICE_ROLES and user_serves_office(user, office_id)


def access_article_for(user: User, number: str, *roles: str) -> Article:
    """The article if the user may see (and, with `roles`, act on) it: staff of the office
    where it is, where it was booked or where it is going; the postman whose beat it
    is on; an administrator (read only: no office to act from)."""
    article = article_get(number)  # 400 for a bad number, 404 for an unknown one
    if not user.is_authenticated:
        raise PermissionDenied
    if user.role == Role.ADMINISTRATOR:
        if roles:
            raise PermissionDenied  # sees every article, acts on none
        return article
    if not _article_visible(user, article):
        raise ArticleNotFound(details={"number": article.number})
    if roles and user.role not in roles:
        raise PermissionDenied
    return article


def _article_visible(user: User, article: Article) -> bool:
    if user.role not in OFFICE_ROLES:
        return False
    if user.role == Role.POSTMAN and article.postman_id == user.pk:
        return True
    incoming_to = None
    if article.bag_id:
        incoming_to = Bag.objects.filter(pk=article.bag_id).values_list("to_office_id", flat=True).first()
    offices = (article.current_office_id, article.origin_office_id, article.destination_office_id, incoming_to)
    return any(_covers(user, office_id) for office_id in offices)


def access_bag_for(user: User, bag: str) -> Bag:
    row = bag_get(bag)
    if user.is_authenticated and user.role == Role.ADMINISTRATOR:
        return row
    staff = user.is_authenticated and user.role in OFFICE_ROLES and user.post_office_id is not None
    if staff and (_covers(user, row.from_office_id) or _covers(user, row.to_office_id)):
        return row
    raise BagNotFound(details={"bag": bag})


def require_at_office(user: User, article: Article) -> None:
    """Acting on an article (bagging, assigning, returning) is for staff of the office
    where it is now; a postman also acts on what is on their own beat."""
    if user.role == Role.POSTMAN and article.postman_id == user.pk:
        return
    if _covers(user, article.current_office_id):
        return
    if article.bag_id:  # in transit: the office it is travelling to may receive it
        to_office = Bag.objects.filter(pk=article.bag_id).values_list("to_office_id", flat=True).first()
        if _covers(user, to_office):
            return
    raise PermissionDenied
