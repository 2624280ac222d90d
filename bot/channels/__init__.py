"""What every chat channel shares (WeChat, the web chat; Telegram for the assistant client), below the front
ends: no Telegram, Starlette or wechatpy here.

- ``assistant``: the async Rasa client (its REST channel: one call per message), :class:`AssistantError`.
- ``handback``: the turns a front end takes over (its own quiz, a story told in a group), said in the message's
  metadata and answered with a marker, so that no front end parses a message before sending it.
- ``replies``: the assistant's messages as typed :class:`Item` s (urgent stop-now steps marked), text split to a
  channel's limits, buttons as numbered choices.
- ``choices``: the numbered choices last shown in a conversation (table ``chat_choices``) and a typed number
  resolved to its button.
- ``turn``: one turn of a conversation: input checked, number resolved, relayed once, choices stored, items back.
- ``inbox``: each inbound message handled once across workers and retries (table ``channel_inbox``).
- ``ratelimit``: fixed-window counters in the database (table ``rate_counters``).
- ``store``: the dialect's INSERT and the database from async code (worker threads).
"""
