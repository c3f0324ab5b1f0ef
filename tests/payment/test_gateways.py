from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from mercato.payment.gateways import enabled_gateways, get_gateway
from tests.factories.payment import DUMMY_ID, dummy_gateway_on


def _gateways_with(env: dict[str, str]) -> str:
    script = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='mercato.server.settings';"
        "from django.conf import settings; print(settings.PAYMENT_GATEWAYS)"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MERCATO_DEMO", "PAYMENT_GATEWAYS"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "[]"),
        ({"MERCATO_DEMO": "1"}, f"['{settings.DUMMY_PAYMENT_GATEWAY}']"),
        ({"MERCATO_DEMO": "1", "PAYMENT_GATEWAYS": ""}, "[]"),
        ({"PAYMENT_GATEWAYS": "a.B, c.D"}, "['a.B', 'c.D']"),
    ],
)
def test_dummy_gateway_only_in_demo_mode(env: dict[str, str], expected: str) -> None:
    assert _gateways_with(env) == expected


def test_tests_run_without_gateways_unless_asked() -> None:
    assert enabled_gateways() == []
    with dummy_gateway_on():
        gateway = get_gateway(DUMMY_ID)
        assert gateway is not None and gateway.id == DUMMY_ID
