"""Three of Rasa 3.6's per-message costs that do not depend on what is computed, removed (issue 13, item 2).

Measured in one message (docs/profile.md), in the Rasa server:

- ``RemoteAction._validate_action_result`` checks every action server response with ``jsonschema.validate``, which
  first validates Rasa's response *schema* against the JSON Schema meta-schema, then builds a validator: about
  20 ms of CPU per custom action, a quarter of a message. The same check with the validator built once: well
  under 1 ms. Same result: a valid response passes, an invalid one raises the same ``ValidationError`` (the best
  match among the errors, with Rasa's hint appended to its message).
- ``Event.resolve_by_type`` walks every subclass of ``Event`` (recursively, each checked with
  ``inspect.isabstract``) for every event read: from the tracker store and from the action server. A table from
  the type name to the class gives the same class; a name not in the table goes to Rasa's own lookup (which also
  sees classes imported later).

- The garbage collector's full collections: the Rasa server holds millions of objects (TensorFlow, which Rasa imports,
  the model, the jieba dictionary), and a full collection walks them all: 300-330 ms, every few hundred messages,
  during which every conversation waits (measured with ``gc.callbacks``; the README's "pause inside a server" once
  per run). :func:`freeze_heap` moves what exists after the first message to the permanent generation
  (``gc.freeze``), so full collections only walk what was made since. What was frozen is never collected; it is the
  server's own state, which lives as long as the process.

:func:`install` patches the first two in the running Rasa server; the tracker store (``bot.rasa_serve.tracker_store``)
calls it when Rasa loads it, and :func:`freeze_heap` after it saved its first conversation. Rasa's versions are kept
in :data:`ORIGINALS`.
"""

from __future__ import annotations

import gc
from typing import Any

from rasa.core.actions.action import RemoteAction  # type: ignore[import-not-found]
from rasa.shared.constants import DOCS_BASE_URL  # type: ignore[import-not-found]
from rasa.shared.core.events import Event  # type: ignore[import-not-found]
from rasa.shared.utils.common import all_subclasses  # type: ignore[import-not-found]

ORIGINALS: dict[str, Any] = {}
_validator: Any = None
_event_types: dict[str, Any] = {}
_frozen = False


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result``, with the validator built once."""
    global _validator
    from jsonschema import validators  # type: ignore[import-untyped]
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    if _validator is None:
        schema = self.action_response_format_spec()
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    error = best_match(_validator.iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def resolve_by_type(type_name: str, default: Any = None) -> Any:
    """Rasa's ``Event.resolve_by_type`` with a table of the event classes."""
    if not _event_types:
        for cls in all_subclasses(Event):
            _event_types.setdefault(cls.type_name, cls)  # the first one, as Rasa's loop finds it
    found = _event_types.get(type_name)
    return found if found is not None else ORIGINALS["resolve_by_type"](type_name, default)


def freeze_heap() -> None:
    """Collect once, then leave everything that exists now out of later collections (once per process)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def install() -> None:
    """Patch Rasa (once per process)."""
    if ORIGINALS:
        return
    ORIGINALS["validate_action_result"] = RemoteAction._validate_action_result
    ORIGINALS["resolve_by_type"] = Event.resolve_by_type
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_by_type)
