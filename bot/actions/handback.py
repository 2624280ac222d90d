"""A turn handed back to the front end (``bot.channels.handback``): a front end that runs the quiz itself gets its
quiz intents back, a group gets a recounted experience back; the action then answers only the marker and changes
nothing in the conversation."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.channels.handback import command_for, marker


def handed_back(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Hand the turn back if the message's metadata asks for it (the marker is then the turn's only reply)."""
    latest = tracker.latest_message or {}
    intent = str((latest.get("intent") or {}).get("name") or "")
    meta = latest.get("metadata")
    command = command_for(intent, meta if isinstance(meta, dict) else None)
    if command is None:
        return False
    dispatcher.utter_message(json_message=marker(command))
    return True
