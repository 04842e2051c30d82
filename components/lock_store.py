"""The conversation lock store: Redis when PAUSE_REDIS_URL is set, in memory otherwise.

Rasa takes a lock per conversation while it handles a message, so that two messages from the
same person are answered one after the other. The lock lives in the Rasa process by default,
which is right for one server; several Rasa replicas sharing one tracker store need the lock in
Redis, or two replicas could answer the same conversation at once and interleave its turns.

endpoints.yml cannot leave a ``${VAR}`` unset, so the choice is made here, from the settings::

    lock_store:
      type: components.lock_store.PauseLockStore
"""
from __future__ import annotations

import logging
from typing import Any, Optional, Text
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Keeps Pause's locks apart from anything else sharing the Redis database.
KEY_PREFIX = "pause"


def redis_lock_store(url: str) -> RedisLockStore:
    """Rasa's Redis lock store for a redis:// or rediss:// URL (password and database included)."""
    parts = urlsplit(url)
    database = parts.path.strip("/")
    return RedisLockStore(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        db=int(database) if database else 1,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss",
        key_prefix=KEY_PREFIX,
    )


class PauseLockStore(LockStore):
    """Keeps conversation locks in Redis when PAUSE_REDIS_URL is set, in memory otherwise."""

    def __init__(self, endpoint_config: Any = None, redis_url: Optional[str] = None) -> None:
        """Choose the backend; Rasa passes ``endpoint_config``, which carries nothing needed here."""
        url = redis_url if redis_url is not None else get_settings().redis_url
        self.backend: LockStore = redis_lock_store(url) if url else InMemoryLockStore()
        logger.info(
            "Conversation locks are kept %s.", "in Redis" if url else "in this process's memory"
        )
        super().__init__()

    @property
    def shared(self) -> bool:
        """True when the locks are visible to every Rasa replica (Redis)."""
        return isinstance(self.backend, RedisLockStore)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """The conversation's lock, if one is held or queued."""
        return self.backend.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        """Remove the conversation's lock."""
        self.backend.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Store the conversation's lock."""
        self.backend.save_lock(lock)
