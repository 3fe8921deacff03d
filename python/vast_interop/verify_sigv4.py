"""Verifies SigV4 signatures produced by exr-inspector's VAST client the way a server would: rebuilds the canonical
request with the canonicalization of `aws_requests_auth` (the signer the official vastdb SDK uses) for the headers
the client declares as signed, and recomputes the signature with that library's key derivation.

stdin: JSON list of {method, url, headers: {name: value}, body_hex, secret}; stdout: JSON list of booleans."""

import hashlib
import hmac
import json
import re
import sys
from types import SimpleNamespace

from aws_requests_auth.aws_auth import AWSRequestsAuth, getSignatureKey

AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]*)/(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)


def verify(req: dict) -> bool:
    headers = {k.lower(): v for k, v in req["headers"].items()}
    m = AUTH.match(headers["authorization"])
    if not m:
        return False
    r = SimpleNamespace(url=req["url"], method=req["method"])
    body = bytes.fromhex(req["body_hex"])
    payload_hash = hashlib.sha256(body).hexdigest()
    if headers.get("x-amz-content-sha256") != payload_hash:
        return False
    signed = m["signed"].split(";")
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    canonical_request = "\n".join([
        req["method"],
        AWSRequestsAuth.get_canonical_path(r),
        AWSRequestsAuth.get_canonical_querystring(r),
        canonical_headers,
        m["signed"],
        payload_hash,
    ])
    scope = f"{m['date']}/{m['region']}/{m['service']}/aws4_request"
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256",
        headers["x-amz-date"],
        scope,
        hashlib.sha256(canonical_request.encode()).hexdigest(),
    ])
    key = getSignatureKey(req["secret"], m["date"], m["region"], m["service"])
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest() == m["sig"]


json.dump([verify(r) for r in json.load(sys.stdin)], sys.stdout)
