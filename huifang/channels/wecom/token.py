"""The application's access token, fetched with ``gettoken`` and cached until it expires.

``GET <api>/cgi-bin/gettoken?corpid=ID&corpsecret=SECRET`` answers
``{"errcode": 0, "access_token": …, "expires_in": 7200}``. WeCom asks callers to cache the
token (it throttles frequent ``gettoken`` calls) and to fetch a new one when an API call
says it is invalid or expired. The token lives in Django's cache, so processes sharing a
cache (Redis) share it; it is dropped a few minutes before WeCom's expiry.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.core.cache import cache

from huifang.channels.wecom.settings import WecomSettings

# Refresh this long before the token's stated expiry (clocks and slow calls).
EARLY_SECONDS = 300
# gettoken codes after which asking again cannot help: bad corp id, secret or app.
FINAL_CODES = (40001, 40013, 40056, 40091, 301002)


class TokenRefused(Exception):
    def __init__(self, error: str, *, retry: bool) -> None:
        super().__init__(error)
        self.retry = retry


def _cache_key(config: WecomSettings) -> str:
    # One token per application; the secret names the application without being stored.
    identity = f"{config.api_base}|{config.corp_id}|{config.corp_secret}".encode()
    return "wecom-token:" + hashlib.sha256(identity).hexdigest()[:24]


def forget(config: WecomSettings) -> None:
    cache.delete(_cache_key(config))


def _fetch(config: WecomSettings) -> tuple[str, int]:
    query = urlencode({"corpid": config.corp_id, "corpsecret": config.corp_secret})
    url = f"{config.api_base.rstrip('/')}/cgi-bin/gettoken?{query}"
    try:
        with urllib.request.urlopen(url, timeout=config.timeout) as response:
            answer = json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        raise TokenRefused(f"gettoken HTTP {error.code}", retry=error.code >= 500) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise TokenRefused(f"gettoken {type(error).__name__}: {error}", retry=True) from None
    code = int(answer.get("errcode", -1))
    if code != 0 or not answer.get("access_token"):
        error_text = f"gettoken {code}: {answer.get('errmsg', '')}"
        raise TokenRefused(error_text, retry=code not in FINAL_CODES)
    return str(answer["access_token"]), int(answer.get("expires_in", 7200))


def access_token(config: WecomSettings) -> str:
    """The cached token while it is valid, else a new one; TokenRefused says why not."""
    key = _cache_key(config)
    cached = cache.get(key)
    if cached is not None and cached[1] > time.time():
        return str(cached[0])
    token, expires_in = _fetch(config)
    lifetime = max(expires_in - EARLY_SECONDS, expires_in // 2, 1)
    cache.set(key, (token, time.time() + lifetime), timeout=lifetime)
    return token
