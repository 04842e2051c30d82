"""Pause's own Rasa input channels: the protected REST channel and the web widget.

The protections (request parsing, rate limiting, size limit, security headers and the
"never silence" turn guard) live in :mod:`bot.channels.protection` so that every public channel
can use them.
"""
