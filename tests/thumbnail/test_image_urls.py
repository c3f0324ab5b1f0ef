"""URLs that the API returns for images: absolute, and built without queries.

Tests without the ``django_db`` mark fail on any database access, which is how they
prove that building a URL costs no query.
"""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from PIL import Image

from mercato.graphql.core.context import RequestContext
from mercato.graphql.core.images import image, image_url
from mercato.product.models import Product, ProductMedia, ProductType


def make_info(request: Any = None) -> Any:
    if request is None:
        request = RequestFactory().post("/graphql/")
    return SimpleNamespace(context=RequestContext(request=request))


def media_gid(pk: int) -> str:
    return base64.b64encode(f"ProductMedia:{pk}".encode()).decode()


def test_original_url():
    info = make_info()

    url = image_url(
        info,
        kind="ProductMedia",
        pk=7,
        stored_name="products/a b.png",
        size=None,
        format=None,
    )

    assert url == "http://testserver/media/products/a%20b.png"
    assert (
        image_url(
            info,
            kind="ProductMedia",
            pk=7,
            stored_name="products/a.png",
            size=0,
            format="WEBP",
        )
        == "http://testserver/media/products/a.png"
    )


def test_thumbnail_url():
    info = make_info(RequestFactory().post("/graphql/", secure=True))

    url = image_url(
        info,
        kind="ProductMedia",
        pk=7,
        stored_name="products/a.png",
        size=100,
        format="WEBP",
    )

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "testserver")
    assert parts.path == f"/thumbnail/{media_gid(7)}/128/webp/"
    assert parts.query.startswith("v=")


@pytest.mark.parametrize(
    ("size", "fmt", "expected"),
    [
        (1, None, "32/original"),
        (-3, "ORIGINAL", "32/original"),
        (256, "AVIF", "256/avif"),
        (10_000, "webp", "4096/webp"),
    ],
)
def test_thumbnail_url_snaps_size_and_lowercases_format(size, fmt, expected):
    url = image_url(
        make_info(), kind="Category", pk=3, stored_name="c.png", size=size, format=fmt
    )

    assert urlsplit(url).path.endswith(f"/{expected}/")


def test_replaced_image_gets_a_new_url():
    def url(name: str) -> str:
        return image_url(
            make_info(),
            kind="Collection",
            pk=3,
            stored_name=name,
            size=64,
            format=None,
        )

    assert url("a.png") != url("b.png")
    assert url("a.png") == url("a.png")


def test_image_object():
    info = make_info()

    assert (
        image(
            info, kind="Category", pk=1, stored_name="", alt="x", size=None, format=None
        )
        is None
    )
    assert (
        image(
            info,
            kind="Category",
            pk=1,
            stored_name=None,
            alt="x",
            size=None,
            format=None,
        )
        is None
    )
    assert image(
        info,
        kind="Category",
        pk=1,
        stored_name="c.png",
        alt="Alt",
        size=None,
        format=None,
    ) == {"url": "http://testserver/media/c.png", "alt": "Alt"}


def test_without_request_urls_are_relative():
    info = make_info()
    info.context.request = None

    url = image_url(
        info, kind="Category", pk=1, stored_name="c.png", size=None, format=None
    )

    assert url == "/media/c.png"


@pytest.mark.django_db
def test_thumbnail_url_is_served(client: Client, settings, tmp_path: Path):
    settings.MEDIA_ROOT = str(tmp_path)
    product_type = ProductType.objects.create(name="T", slug="t")
    product = Product.objects.create(product_type=product_type, name="P", slug="p")
    media = ProductMedia(product=product)
    source = tmp_path / "source.png"
    Image.new("RGB", (50, 100), "blue").save(source)
    media.image.save("p.png", ContentFile(source.read_bytes()), save=True)
    info = make_info()

    for size in (None, 32):
        url = image_url(
            info,
            kind="ProductMedia",
            pk=media.pk,
            stored_name=media.image.name,
            size=size,
            format="WEBP",
        )
        parts = urlsplit(url)
        response = client.get(
            parts.path, dict(pair.split("=") for pair in parts.query.split("&") if pair)
        )
        assert response.status_code == 200, url
