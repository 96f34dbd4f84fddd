"""Alibaba Cloud SMS ``SendSms`` over its RPC API.

The signature follows Alibaba Cloud's documented RPC signing (SignatureVersion 1.0):
percent-encode every name and value (RFC 3986: only ``A–Z a–z 0–9 - _ . ~`` stay as they
are, so a space is ``%20``, ``*`` is ``%2A`` and ``~`` stays), sort the pairs by name, join
them as ``k=v&…`` into the canonicalised query, and sign
``GET&%2F&<percent-encoded canonicalised query>`` with HMAC-SHA1 keyed by
``AccessKeySecret + "&"``; the Base64 digest is sent as ``Signature``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

from huifang.channels.base import Outgoing, Result, failed
from huifang.channels.sms import settings as sms_settings

# Codes after which sending the same message again cannot succeed.
FINAL_CODES = (
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "isv.BLACK_KEY_CONTROL_LIMIT",
)


def percent_encode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_query(params: Mapping[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def signature(params: Mapping[str, str], secret: str, method: str = "GET") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def request_params(
    message: Outgoing, config: sms_settings.SmsSettings, now: datetime
) -> dict[str, str]:
    params = {
        "AccessKeyId": config.access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": message.to,
        "RegionId": config.region,
        "SignName": config.sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": message.template,
        "TemplateParam": json.dumps(dict(message.params), ensure_ascii=False),
        "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": "2017-05-25",
    }
    params["Signature"] = signature(params, config.access_key_secret)
    return params


def send(message: Outgoing) -> Result:
    config = sms_settings.current()
    if not message.template:
        return failed("no SMS template configured for this kind of message", retry=False)
    params = request_params(message, config, datetime.now(UTC))
    url = f"{config.endpoint}?{canonical_query(params)}"
    try:
        with urllib.request.urlopen(url, timeout=config.timeout) as response:
            answer = json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")[:500]
        try:
            answer = json.loads(body)
        except ValueError:
            return failed(f"HTTP {error.code}: {body}", retry=error.code >= 500)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return failed(f"{type(error).__name__}: {error}")
    code = str(answer.get("Code", ""))
    if code == "OK":
        return Result(ok=True, provider_id=str(answer.get("BizId", "")))
    return failed(f"{code}: {answer.get('Message', '')}", retry=code not in FINAL_CODES)
