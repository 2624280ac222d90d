"""Conversation ids of the chat channels and the quiz learner each one is: the one place that knows the prefixes.

A WeChat follower's conversation is ``wechat-<openid>``; the action server keys its chat quiz by channel ``wechat``
and the OpenID, so that a follower is one learner whatever conversation id scheme changes around it. Every other
conversation (the terminal chat, the web chat's ``web-<hash>``) is a learner of channel ``chat`` by its id.
"""

from __future__ import annotations

from bot.db.models import Channel

WECHAT_PREFIX = "wechat-"


def wechat_conversation(openid: str) -> str:
    """The assistant's conversation id of a WeChat follower."""
    if not openid:
        raise ValueError("an OpenID is needed")
    return WECHAT_PREFIX + openid


def quiz_learner(conversation: str) -> tuple[Channel, str]:
    """The quiz learner of an assistant conversation: (channel, external id)."""
    if conversation.startswith(WECHAT_PREFIX) and len(conversation) > len(WECHAT_PREFIX):
        return Channel.WECHAT, conversation[len(WECHAT_PREFIX) :]
    return Channel.CHAT, conversation
