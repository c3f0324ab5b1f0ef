from __future__ import annotations

import os
import resource

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse


def health(request: HttpRequest) -> HttpResponse:
    """Liveness plus the worker's identity and peak memory, which bench/ samples."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    body = {
        "status": "ok",
        "pid": os.getpid(),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    return HttpResponse(orjson.dumps(body), content_type="application/json")


def jwks(request: HttpRequest) -> HttpResponse:
    """The public keys that verify mercato's tokens."""
    from mercato.account.tokens import jwks as public_keys

    response = HttpResponse(
        orjson.dumps(public_keys()), content_type="application/json"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
