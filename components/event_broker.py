"""The optional analytics event broker: RabbitMQ when PAUSE_RABBITMQ_URL is set, none otherwise.

Rasa can publish every conversation event to a message queue for analytics. Pause's redacting
tracker store hands the broker only redacted copies, so nothing personal reaches the queue.

endpoints.yml cannot leave a ``${VAR}`` unset, so the choice is made here, from the settings::

    event_broker:
      type: components.event_broker.PauseEventBroker
"""
from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any, Optional
from urllib.parse import urlsplit

from rasa.core.brokers.pika import PikaEventBroker

from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Publishing never holds up a reply: a failed publish is kept and retried on reconnection.
CONNECTION_ATTEMPTS = 5
RETRY_DELAY_SECONDS = 2.0


class PauseEventBroker(PikaEventBroker):
    """Rasa's RabbitMQ (Pika) broker, configured from PAUSE_RABBITMQ_URL and PAUSE_RABBITMQ_QUEUE."""

    @classmethod
    def from_url(
        cls, url: str, queue: str, event_loop: Optional[AbstractEventLoop] = None
    ) -> "PauseEventBroker":
        """A broker (not yet connected) publishing to ``queue`` on the server at ``url``."""
        parts = urlsplit(url)
        default_port = 5671 if parts.scheme == "amqps" else 5672
        return cls(
            # Rasa builds the connection URL from the host when it starts with amqp, keeping
            # the virtual host; the credentials are passed as they are written in the URL.
            host=url,
            username=parts.username or "guest",
            password=parts.password or "guest",
            port=parts.port or default_port,
            queues=[queue],
            event_loop=event_loop,
            connection_attempts=CONNECTION_ATTEMPTS,
            retry_delay_in_seconds=RETRY_DELAY_SECONDS,
        )

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Any, event_loop: Optional[AbstractEventLoop] = None
    ) -> Optional["PauseEventBroker"]:
        """Connect to RabbitMQ when PAUSE_RABBITMQ_URL is set; otherwise there is no broker."""
        settings = get_settings()
        if not settings.rabbitmq_url:
            logger.info("No event broker: PAUSE_RABBITMQ_URL is not set.")
            return None
        broker = cls.from_url(settings.rabbitmq_url, settings.rabbitmq_queue, event_loop)
        await broker.connect()
        logger.info(
            "Conversation events, redacted, are published to the RabbitMQ queue %r at %s.",
            settings.rabbitmq_queue,
            urlsplit(settings.rabbitmq_url).hostname,
        )
        return broker

