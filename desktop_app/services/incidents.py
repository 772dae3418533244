"""Similar messages linked as one incident (issue 18): the operator's choice, on record (R11).

«Похожие сообщения» only suggests that messages are about the same problem; linking them is a
decision an ОпОГ employee (or a supervisor) takes, with an optional comment, and it is audited.
What a link gives the people working on the messages:

- the card shows «Связаны в один инцидент: N сообщений» with each linked message, its state and
  its published answer (:meth:`IncidentService.group_of`);
- the draft editor offers the published answer of a linked message as a starting text, so one
  problem gets one consistent answer (:func:`answer_as_start`);
- routing suggests first the department the linked messages went to
  (:meth:`IncidentService.linked_departments`, used by the routing advisor).

Nothing is routed or answered automatically. Membership: a message is in at most one group (the
database's primary key on ``incident_links.message_id``); a group lives while it has two messages.
Every change raises the group's revision, so two workstations changing one group never both win.
Visibility follows :mod:`desktop_app.services.access`: an executor sees the linked messages of their
own department, read-only; a message the actor may not see is "not found".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.domain.lifecycle import DraftKind, MessageState, Role
from desktop_app.domain.worktime.texts import plural
from desktop_app.models.database import Database
from desktop_app.models.entities import (
    Assignment,
    Department,
    IncidentGroup,
    IncidentLink,
    Message,
    Publication,
    User,
)
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.changes import ChangeFeed
from desktop_app.services.errors import ConflictError, InputError

LINKERS = (Role.OPERATOR, Role.SUPERVISOR)
MAX_GROUP = 50  # one incident, not a mailing list: a larger group is a mistake worth refusing
MAX_COMMENT = 1000

LINK_REFUSED = (
    "Связывать сообщения в один инцидент и отвязывать их могут сотрудники отдела по обращениям "
    "граждан и руководитель."
)
LINK_CONFLICT = (
    "Связи этого сообщения только что изменил другой сотрудник. Карточка обновлена: проверьте, "
    "с чем сообщение связано сейчас, и повторите действие."
)


@dataclass(frozen=True)
class LinkedMessage:
    """One message of an incident group, as the card and the editor show it."""

    id: int
    arrived_at: dt.datetime
    author_name: str
    preview: str
    state: MessageState
    department_name: str
    answer: str  # the latest answer sent for publication ("" if none yet)
    answer_confirmed: bool  # the Incident system confirmed that answer
    linked_at: dt.datetime
    linked_by: str
    comment: str


@dataclass(frozen=True)
class IncidentGroupView:
    """The group of one message: the *other* messages of it the actor may see."""

    group_id: int
    revision: int
    created_at: dt.datetime
    created_by: str
    messages: tuple[LinkedMessage, ...]

    @property
    def size(self) -> int:
        """Messages shown as one incident, this one included."""
        return len(self.messages) + 1

    @property
    def title(self) -> str:
        return (
            f"Связаны в один инцидент: {self.size} {plural(self.size, 'сообщение', 'сообщения', 'сообщений')}"
        )

    @property
    def answers(self) -> tuple[LinkedMessage, ...]:
        """Linked messages that have an answer to start from, the confirmed ones first."""
        return tuple(
            sorted(
                (m for m in self.messages if m.answer), key=lambda m: (not m.answer_confirmed, m.arrived_at)
            )
        )


@dataclass(frozen=True)
class LinkResult:
    group_id: int
    revision: int
    message_ids: tuple[int, ...]


class IncidentService:
    def __init__(
        self, db: Database, now: Callable[[], dt.datetime], changes: ChangeFeed | None = None
    ) -> None:
        self._db = db
        self._now = now
        self._changes = changes

    # -- plumbing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._db.session() as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError as exc:  # the group changed (or went) since it was read
                raise ConflictError(LINK_CONFLICT) from exc
            except sa.exc.IntegrityError as exc:  # the other workstation put the message in a group first
                raise ConflictError(LINK_CONFLICT) from exc

    @staticmethod
    def _linker(session: Session, actor: Actor) -> Actor:
        actor = access.current_actor(session, actor)  # issue 14: as the person is now
        access.require_message_reader(actor)
        return actor

    @staticmethod
    def _comment(comment: str) -> str:
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise InputError(f"Комментарий длиннее {MAX_COMMENT} знаков: сократите его.")
        return comment

    @staticmethod
    def _members(session: Session, group_id: int) -> list[int]:
        return list(
            session.scalars(
                sa.select(IncidentLink.message_id)
                .where(IncidentLink.group_id == group_id)
                .order_by(IncidentLink.message_id)
            )
        )

    def _touch(self, session: Session, message_ids: list[int]) -> None:
        """Every card of the group shows it: the other workstations re-read all of them (issue 17)."""
        if self._changes is not None:
            self._changes.touch(session, message_ids)

    # -- use cases -------------------------------------------------------------------------------

    def link(self, actor: Actor, message_id: int, other_id: int, comment: str = "") -> LinkResult:
        """Link ``other_id`` with ``message_id`` as one incident (a new group, or one of theirs)."""
        comment = self._comment(comment)
        if message_id == other_id:
            raise InputError("Сообщение нельзя связать само с собой: выберите другое сообщение.")
        now = self._now()
        with self._transaction() as session:
            actor = self._linker(session, actor)
            access.message_for(session, actor, message_id)  # not visible: "not found", before the role
            access.message_for(session, actor, other_id)
            access.require_role(actor, LINKERS, LINK_REFUSED)
            own = session.get(IncidentLink, message_id)
            other = session.get(IncidentLink, other_id)
            if own is not None and other is not None:
                if own.group_id == other.group_id:
                    raise InputError("Эти сообщения уже связаны в один инцидент.")
                raise InputError(
                    "Оба сообщения уже входят в разные инциденты: сначала отвяжите одно из них, "
                    "затем свяжите снова."
                )
            if own is None and other is None:
                group = IncidentGroup(created_at=now, created_by_id=actor.user_id, revision=1)
                session.add(group)
                session.flush()
                before: list[int] = []
                added = [message_id, other_id]
            else:
                group = session.get(IncidentGroup, (own or other).group_id)  # type: ignore[union-attr]
                if group is None:  # dissolved between the two reads
                    raise ConflictError(LINK_CONFLICT)
                before = self._members(session, group.id)
                if len(before) >= MAX_GROUP:
                    raise InputError(f"В одном инциденте не больше {MAX_GROUP} сообщений.")
                group.revision += 1  # checked against the revision read: a concurrent change loses
                added = [other_id if own is not None else message_id]
            session.add_all(
                IncidentLink(
                    message_id=m,
                    group_id=group.id,
                    linked_at=now,
                    linked_by_id=actor.user_id,
                    comment=comment,
                )
                for m in added
            )
            session.flush()  # a second membership is refused here, by the primary key
            members = sorted([*before, *added])
            for m in added:
                audit.record_by(
                    session,
                    actor,
                    action="link_incident",
                    entity_type="incident_group",
                    entity_id=group.id,
                    occurred_at=now,
                    message_id=m,
                    before={"group_id": None, "messages": before},
                    after={
                        "group_id": group.id,
                        "messages": members,
                        "linked_with": other_id if m == message_id else message_id,
                        "comment": comment,
                    },
                )
            self._touch(session, members)
            return LinkResult(group.id, group.revision, tuple(members))

    def unlink(self, actor: Actor, message_id: int, comment: str = "") -> LinkResult | None:
        """Take ``message_id`` out of its incident; a group left with one message is dissolved."""
        comment = self._comment(comment)
        now = self._now()
        with self._transaction() as session:
            actor = self._linker(session, actor)
            access.message_for(session, actor, message_id)
            access.require_role(actor, LINKERS, LINK_REFUSED)
            link = session.get(IncidentLink, message_id)
            if link is None:
                raise ConflictError(
                    "Сообщение уже не связано ни с одним инцидентом: его отвязал другой сотрудник. "
                    "Карточка обновлена."
                )
            group = session.get(IncidentGroup, link.group_id)
            if group is None:  # dissolved between the two reads
                raise ConflictError(LINK_CONFLICT)
            before = self._members(session, group.id)
            remaining = [m for m in before if m != message_id]
            removed = [message_id]
            session.delete(link)
            if len(remaining) < 2:  # one message is no incident: the last link goes with the group
                for m in remaining:
                    last = session.get(IncidentLink, m)
                    if last is not None:
                        session.delete(last)
                removed += remaining
                session.flush()
                session.delete(group)  # the DELETE checks the revision read, like an update
            else:
                group.revision += 1
            session.flush()
            for m in removed:
                audit.record_by(
                    session,
                    actor,
                    action="unlink_incident",
                    entity_type="incident_group",
                    entity_id=group.id,
                    occurred_at=now,
                    message_id=m,
                    before={"group_id": group.id, "messages": before},
                    after={
                        "group_id": None,
                        "messages": remaining if len(remaining) >= 2 else [],
                        "unlinked": message_id,
                        "comment": comment,
                    },
                )
            self._touch(session, before)
            if len(remaining) < 2:
                return None
            return LinkResult(group.id, group.revision, tuple(remaining))

    # -- reading -----------------------------------------------------------------------------------

    def group_of(self, actor: Actor, message_id: int) -> IncidentGroupView | None:
        """The incident ``message_id`` belongs to: its other messages the actor may see (None: not linked)."""
        with self._db.session() as session:
            actor = access.current_actor(session, actor)
            access.message_for(session, actor, message_id)
            link = session.get(IncidentLink, message_id)
            if link is None:
                return None
            group = session.get(IncidentGroup, link.group_id)
            if group is None:
                return None
            linker = aliased(User)
            creator = session.scalar(sa.select(User.full_name).where(User.id == group.created_by_id)) or ""
            stmt = access.visible_messages(
                sa.select(
                    Message.id,
                    Message.arrived_at,
                    Message.author_name,
                    Message.text,
                    Message.state,
                    Department.name,
                    IncidentLink.linked_at,
                    linker.full_name,
                    IncidentLink.comment,
                )
                .join(IncidentLink, IncidentLink.message_id == Message.id)
                .outerjoin(Department, Department.id == Message.department_id)
                .outerjoin(linker, linker.id == IncidentLink.linked_by_id)
                .where(IncidentLink.group_id == group.id, Message.id != message_id),
                actor,
            ).order_by(Message.arrived_at, Message.id)
            rows = session.execute(stmt).all()
            answers: dict[int, tuple[str, bool]] = {}
            if rows:
                for pub_message, text, confirmed_at in session.execute(
                    sa.select(Publication.message_id, Publication.text, Publication.confirmed_at)
                    .where(
                        Publication.message_id.in_([r[0] for r in rows]),
                        Publication.kind == DraftKind.ANSWER,
                    )
                    .order_by(Publication.id)
                ):
                    answers[pub_message] = (text, confirmed_at is not None)  # the latest wins
            return IncidentGroupView(
                group_id=group.id,
                revision=group.revision,
                created_at=group.created_at,
                created_by=creator,
                messages=tuple(
                    LinkedMessage(
                        id=mid,
                        arrived_at=arrived,
                        author_name=author,
                        preview=" ".join(text.split())[:160],
                        state=state,
                        department_name=department or "",
                        answer=answers.get(mid, ("", False))[0],
                        answer_confirmed=answers.get(mid, ("", False))[1],
                        linked_at=linked_at,
                        linked_by=linked_by or "",
                        comment=link_comment,
                    )
                    for mid, arrived, author, text, state, department, linked_at, linked_by, link_comment in rows
                ),
            )


def linked_departments(session: Session, message_id: int) -> Counter[int]:
    """{department: linked messages routed there} — where each other message of the group went last.

    The last assignment, not the first: a linked message that was misrouted and reassigned counts
    for the department that actually answered it.
    """
    group_id = session.scalar(sa.select(IncidentLink.group_id).where(IncidentLink.message_id == message_id))
    if group_id is None:
        return Counter()
    last = (
        sa.select(Assignment.message_id, sa.func.max(Assignment.id).label("last_id"))
        .join(IncidentLink, IncidentLink.message_id == Assignment.message_id)
        .where(IncidentLink.group_id == group_id, Assignment.message_id != message_id)
        .group_by(Assignment.message_id)
        .subquery()
    )
    return Counter(
        session.scalars(sa.select(Assignment.department_id).join(last, Assignment.id == last.c.last_id))
    )


_GREETING_LINE = re.compile(r"^\s*[^\n.!?]*[.!?]+[ \t]*\n?")


def answer_as_start(answer: str, greeting: str, opens_with_greeting: Callable[[str], bool]) -> str:
    """A linked message's answer as the starting text of this message's draft.

    The answer greets *its* author: that greeting goes, this author's (``greeting``) comes first.
    """
    body = answer.strip()
    if opens_with_greeting(body):
        body = _GREETING_LINE.sub("", body, count=1).lstrip()
    return f"{greeting}\n{body}" if greeting else body
