"""A SQL tracker store whose cost per message does not grow with the conversation (issue 13, item 1).

Rasa's ``SQLTrackerStore`` loads every event of the conversation's session for every message, replays them into a
tracker, hands the whole history to the policies (which compute a state per event), copies it before each action,
sends it to the action server as JSON, and counts the stored events again to know which ones to save: a reply at
turn 400 cost twelve times one at turn 10. This store keeps the same table and the same rows; it differs in what it
reads and how it knows what to write:

- ``retrieve`` reads the session's last events (at most ``max_events``, from the first ``action_listen`` among
  them, so that the history begins as a turn does), preceded by a snapshot of what the dropped events left behind: the
  session start (or restart) event, the last ``SlotSet`` of every slot, the last ``ActiveLoop`` and a
  ``ConversationPaused`` still in force. Those are stored rows, not made-up events, so the tracker holds the same
  slots, loop, latest message and session as the full one: what the actions read (language, country, the scam being
  discussed; the quiz round is in the quiz database) and what the policies read (the last turns; slots do not
  influence the conversation). A session that edits its history (rewind, undo, all slots reset) is read whole, as
  the snapshot could not undo the edits.
- ``save`` writes the events appended since the tracker was read (the tracker remembers how many it was read with),
  not ``len(events) - count(stored)``, which a shortened tracker would get wrong.
- Three indexes make the reads independent of the conversation's length (each a lookup, never a scan of the
  conversation): ``(sender_id, id)`` for the last events, ``(sender_id, type_name, id)`` for the last event of a
  kind and ``(sender_id, type_name, action_name, id)`` for the last ``SlotSet`` of a slot (``action_name`` holds
  its name).

Loading it also installs ``bot.rasa_serve.speedups`` in the Rasa server. On SQLite it keeps its connections open
and turns on write-ahead logging (one sync per commit instead of several; readers do not wait for the writer: two
Rasa processes can share the file).

It works on any SQL dialect Rasa's store supports (tested on SQLite and PostgreSQL). Endpoints::

    tracker_store:
      type: bot.rasa_serve.tracker_store.BoundedSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db
      max_events: 40
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore  # type: ignore[import-not-found]
from rasa.shared.core.trackers import DialogueStateTracker  # type: ignore[import-not-found]

from bot.rasa_serve import speedups

logger = logging.getLogger(__name__)

#: The attribute a tracker carries: how many of its events are stored (it was read with them, or saved).
STORED = "_antifraud_stored_events"

#: Events after which the tracker state starts again from nothing (``applied_events`` drops what came before).
BOUNDARIES = ("session_started", "restart")
#: Events that edit the history before them: with one of these before the window the whole session is read.
HISTORY_EDITS = ("rewind", "undo", "reset_slots")
PAUSE, RESUME = "pause", "resume"

_INDEX_TABLE = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
)
INDEXES = (
    sa.Index("ix_events_sender_id_id", _INDEX_TABLE.c.sender_id, _INDEX_TABLE.c.id),
    sa.Index("ix_events_sender_type_id", _INDEX_TABLE.c.sender_id, _INDEX_TABLE.c.type_name, _INDEX_TABLE.c.id),
    sa.Index(
        "ix_events_sender_type_action_id",
        _INDEX_TABLE.c.sender_id,
        _INDEX_TABLE.c.type_name,
        _INDEX_TABLE.c.action_name,
        _INDEX_TABLE.c.id,
    ),
)


class BoundedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, reading the last ``max_events`` events of a session and a snapshot of the rest."""

    engine: Any
    sessionmaker: Any

    def __init__(self, *args: Any, max_events: int = 40, **kwargs: Any) -> None:
        speedups.install()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._sqlite_pool_and_wal()
        if int(max_events) < 10:
            raise ValueError(f"max_events must be at least 10 (a turn is several events): {max_events}")
        self.max_events = int(max_events)
        self._statements: dict[str, Any] | None = None
        self._statements_slots: tuple[str, ...] = ()
        for index in INDEXES:
            try:
                index.create(self.engine, checkfirst=True)
            except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
                # Several Rasa workers start at once: another one created it between the check and the creation.
                logger.info("index %s not created here: %s", index.name, type(error).__name__)

    def _sqlite_pool_and_wal(self) -> None:
        """Keep SQLite connections open (SQLAlchemy 1.4 opens and closes one per session; closing the last one of a
        write-ahead-logged file checkpoints it: about 1 ms, twice a message), and turn on write-ahead logging."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=2, connect_args={"check_same_thread": False}
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept in the file
        except sa.exc.OperationalError as error:  # another process has it open in the middle of a write
            logger.info("the tracker database stays in its journal mode: %s", error)

    # ------------------------------------------------------------------------------------------------ reading

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of ``sender_id``: its last events after a snapshot of the earlier ones."""
        if self.domain is None:  # as Rasa's: no tracker without a domain
            return None
        with self.session_scope() as session:
            rows = self._session_rows(session, sender_id)
        if not rows:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)
        setattr(tracker, STORED, len(tracker.events))
        return tracker

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every event of every session (Rasa's, for the HTTP API's ``GET /conversations/<id>/tracker``)."""
        tracker = await super().retrieve_full_tracker(conversation_id)
        if tracker is not None:
            setattr(tracker, STORED, len(tracker.events))
        return tracker

    def _session_rows(self, session: Any, sender_id: str) -> list[str]:
        """The ``data`` of the rows to build the tracker from, in order."""
        queries = self._queries()
        boundary = max(session.execute(queries["boundary"], {"sender": sender_id}).all(), default=None, key=_id)
        start = boundary.id if boundary is not None else 0
        last = session.execute(queries["last"], {"sender": sender_id, "start": start}).all()
        last.reverse()
        if len(last) <= self.max_events:  # the whole session
            return [row.data for row in last]
        window = _from_a_turn(last[1:])
        params = {"sender": sender_id, "after": start, "before": window[0].id}
        snapshot = sorted(session.execute(queries["snapshot"], params).all(), key=_id)
        if any(row.type_name in HISTORY_EDITS for row in snapshot):  # the snapshot cannot undo them: read it whole
            return [row.data for row in session.execute(queries["session"], {"sender": sender_id, "start": start})]
        head = [boundary.data] if boundary is not None else []
        resumed = max((row.id for row in snapshot if row.type_name == RESUME), default=0)
        kept = [
            row.data
            for row in snapshot
            if row.type_name != RESUME and not (row.type_name == PAUSE and row.id < resumed)
        ]
        return head + kept + [row.data for row in window]

    def _queries(self) -> dict[str, Any]:
        """The statements ``retrieve`` runs, built once (SQLAlchemy then reuses their compiled form).

        ``snapshot`` finds what the events strictly between ids ``after`` and ``before`` leave behind: the last
        ``SlotSet`` of each slot, the last ``ActiveLoop``, the last pause or resume, and the last event that edits the
        history, if any."""
        slots = tuple(slot.name for slot in self.domain.slots)
        if self._statements is not None and self._statements_slots == slots:
            return self._statements
        E = self.SQLEvent
        sender: Any = sa.bindparam("sender")
        start: Any = sa.bindparam("start")
        after: Any = sa.bindparam("after")
        before: Any = sa.bindparam("before")

        def latest(*where: Any) -> Any:
            """The last row of the conversation matching ``where`` (one index lookup each)."""
            query = (
                sa.select(E.id, E.type_name, E.data)
                .where(E.sender_id == sender, *where)
                .order_by(E.id.desc())
                .limit(1)
                .subquery()
            )
            return sa.select(query.c.id, query.c.type_name, query.c.data)

        def last_of(*where: Any) -> Any:
            return latest(E.id > after, E.id < before, *where)

        parts = [last_of(E.type_name == "slot", E.action_name == name) for name in slots]
        parts += [last_of(E.type_name == kind) for kind in ("active_loop", PAUSE, RESUME, *HISTORY_EDITS)]
        self._statements_slots = slots
        self._statements = {
            "boundary": sa.union_all(*(latest(E.type_name == kind) for kind in BOUNDARIES)),
            "last": sa.select(E.id, E.type_name, E.action_name, E.data)
            .where(E.sender_id == sender, E.id >= start)
            .order_by(E.id.desc())
            .limit(self.max_events + 1),
            "snapshot": sa.union_all(*parts),
            "session": sa.select(E.data).where(E.sender_id == sender, E.id >= start).order_by(E.id),
        }
        return self._statements

    # ------------------------------------------------------------------------------------------------ writing

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events appended since the tracker was read (all of them for a new tracker), in one statement
        and one transaction; the rows are Rasa's."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
                session.commit()
        setattr(tracker, STORED, len(tracker.events))
        speedups.freeze_heap()  # after the first message: the model, jieba's dictionary, the caches are loaded

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Any:
        stored = getattr(tracker, STORED, None)
        if stored is None:  # not read from this store (a new conversation): Rasa's count of stored events
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, None)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the new events to the event broker, if there is one (Rasa's compares the lengths of trackers)."""
        stored = getattr(tracker, STORED, None)
        if self.event_broker is None or stored is None:
            await super().stream_events(tracker)
            return
        new = list(itertools.islice(tracker.events, stored, None))
        await self._stream_new_events(self.event_broker, new, tracker.sender_id)


def _id(row: Any) -> int:
    return int(row.id)


def _from_a_turn(rows: list[Any]) -> list[Any]:
    """``rows`` from the first ``action_listen`` on (else from the first user message; else all of them): a
    shortened history begins as a turn does."""
    for kind, name in (("action", "action_listen"), ("user", None)):
        for i, row in enumerate(rows):
            if row.type_name == kind and (name is None or row.action_name == name):
                return rows[i:]
    return rows
