"""Follow-up memory: the previous question of a conversation, in memory only, for a short time."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict

from .scoring import content_stems

_FOLLOW_UP = re.compile(
    r"^(and|also|but|so|what about|how about|ok(ay)?|then)\b|\b(that|this|it|its|those|these|they|them|there|one)\b",
    re.IGNORECASE,
)


def looks_like_follow_up(question: str) -> bool:
    """Short questions leaning on an earlier one ("and how long does that last?")."""
    return len(content_stems(question)) <= 5 and bool(_FOLLOW_UP.search(question))


class ConversationMemory:
    """Bounded, expiring map of conversation id -> previous question."""

    def __init__(self, ttl_seconds: float = 900.0, max_items: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_items
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def previous(self, conversation_id: str | None) -> str | None:
        """The last question of the conversation, if still fresh."""
        if not conversation_id:
            return None
        with self._lock:
            item = self._items.get(conversation_id)
            if item is None or item[0] < time.monotonic():
                self._items.pop(conversation_id, None)
                return None
            return item[1]

    def remember(self, conversation_id: str | None, question: str) -> None:
        """Keep the question for the next turn."""
        if not conversation_id:
            return
        with self._lock:
            self._items[conversation_id] = (time.monotonic() + self._ttl, question)
            self._items.move_to_end(conversation_id)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
