"""Outbound channels: one folder per way of reaching someone, each with the same files.

``<kind>/settings.py`` reads the channel's configuration from Django settings (filled from
``HUIFANG_*`` environment variables) and says whether it is configured; ``<kind>/adapter.py``
has ``send(message) -> Result`` speaking the provider's protocol. ``services.py`` queues
messages, delivers them with retries and backoff, and records what happened.
"""
