"""The /thumbnail/ and /media/ views and the thumbnail services behind them."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, features

from mercato.product.models import (
    Category,
    Collection,
    Product,
    ProductMedia,
    ProductType,
)
from mercato.thumbnail import services
from mercato.thumbnail.errors import ThumbnailError, ThumbnailErrorCode
from mercato.thumbnail.models import Thumbnail, ThumbnailFormat

pytestmark = pytest.mark.django_db

CACHE_FOREVER = "public, max-age=31536000, immutable"


def gid(type_name: str, pk: object) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def png_bytes(width: int = 300, height: int = 200, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def product() -> Product:
    product_type = ProductType.objects.create(name="Shirts", slug="shirts")
    return Product.objects.create(product_type=product_type, name="Shirt", slug="shirt")


@pytest.fixture
def media(product: Product) -> ProductMedia:
    media = ProductMedia(product=product, alt="A red shirt")
    media.image.save("photo.png", ContentFile(png_bytes()), save=True)
    return media


def thumbnail_path(media: ProductMedia, size: object, fmt: str) -> str:
    return f"/thumbnail/{gid('ProductMedia', media.pk)}/{size}/{fmt}/"


def test_webp_thumbnail_is_resized_and_cacheable(client: Client, media: ProductMedia):
    response = client.get(thumbnail_path(media, 100, "webp"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == CACHE_FOREVER
    assert response["ETag"].startswith('"')
    image = decode(response.content)
    assert image.format == "WEBP"
    # 100 snaps up to 128; 300x200 keeps its aspect ratio.
    assert image.size == (128, 85)


def test_original_format_keeps_the_source_format(client: Client, media: ProductMedia):
    response = client.get(thumbnail_path(media, 64, "original"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert decode(response.content).size == (64, 43)


def test_url_without_format_means_original(client: Client, media: ProductMedia):
    response = client.get(f"/thumbnail/{gid('ProductMedia', media.pk)}/64/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.mark.skipif(not features.check("avif"), reason="Pillow without AVIF")
def test_avif_thumbnail(client: Client, media: ProductMedia):
    response = client.get(thumbnail_path(media, 32, "avif"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/avif"
    assert decode(response.content).size == (32, 21)


def test_avif_falls_back_to_webp_without_encoder(
    client: Client, media: ProductMedia, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(services, "is_avif_supported", lambda: False)

    response = client.get(thumbnail_path(media, 32, "avif"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"


def test_small_images_are_not_enlarged(client: Client, media: ProductMedia):
    response = client.get(thumbnail_path(media, 4096, "webp"))

    assert decode(response.content).size == (300, 200)


def test_huge_sizes_snap_down_to_the_largest(client: Client, media: ProductMedia):
    response = client.get(thumbnail_path(media, 999999, "webp"))

    assert response.status_code == 200
    assert Thumbnail.objects.get().size == 4096


def test_second_request_reuses_the_stored_thumbnail(
    client: Client, media: ProductMedia, monkeypatch: pytest.MonkeyPatch
):
    first = client.get(thumbnail_path(media, 256, "webp"))

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("thumbnail regenerated")

    monkeypatch.setattr(services, "_render", fail)
    second = client.get(thumbnail_path(media, 200, "webp"))  # snaps to 256 as well

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert Thumbnail.objects.count() == 1


def test_if_none_match_gives_304(client: Client, media: ProductMedia):
    first = client.get(thumbnail_path(media, 128, "webp"))

    second = client.get(
        thumbnail_path(media, 128, "webp"), HTTP_IF_NONE_MATCH=first["ETag"]
    )
    weak = client.get(
        thumbnail_path(media, 128, "webp"), HTTP_IF_NONE_MATCH=f"W/{first['ETag']}"
    )
    other = client.get(thumbnail_path(media, 128, "webp"), HTTP_IF_NONE_MATCH='"nope"')

    assert second.status_code == 304
    assert second.content == b""
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == CACHE_FOREVER
    assert weak.status_code == 304
    assert other.status_code == 200
    assert Thumbnail.objects.count() == 1


def test_replaced_source_image_is_regenerated(client: Client, media: ProductMedia):
    first = client.get(thumbnail_path(media, 32, "original"))
    old_name = Thumbnail.objects.get().file_name
    media.image.save("other.png", ContentFile(png_bytes(100, 400)), save=True)

    second = client.get(thumbnail_path(media, 32, "original"))

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert decode(second.content).size == (8, 32)
    thumbnail = Thumbnail.objects.get()
    assert thumbnail.file_name != old_name
    assert thumbnail.source_name == media.image.name


def test_missing_thumbnail_file_is_regenerated(
    client: Client, media: ProductMedia, media_root: Path
):
    client.get(thumbnail_path(media, 32, "webp"))
    (media_root / Thumbnail.objects.get().file_name).unlink()

    response = client.get(thumbnail_path(media, 32, "webp"))

    assert response.status_code == 200
    assert decode(response.content).size == (32, 21)
    assert Thumbnail.objects.count() == 1


def test_category_and_collection_backgrounds(client: Client):
    category = Category.objects.create(name="Shoes", slug="shoes")
    category.background_image.save("bg.png", ContentFile(png_bytes(64, 64)), save=True)
    collection = Collection.objects.create(name="Summer", slug="summer")
    collection.background_image.save("c.png", ContentFile(png_bytes(64, 64)), save=True)

    for type_name, pk in (("Category", category.pk), ("Collection", collection.pk)):
        response = client.get(f"/thumbnail/{gid(type_name, pk)}/32/webp/")
        assert response.status_code == 200
        assert decode(response.content).size == (32, 32)

    assert Thumbnail.objects.filter(category=category).count() == 1
    assert Thumbnail.objects.filter(collection=collection).count() == 1


@pytest.mark.parametrize(
    "global_id",
    [
        "garbage!!",
        "bm90LWEtZ2xvYmFsLWlk",  # "not-a-global-id"
        gid("Product", 1),
        gid("ProductMedia", "abc"),
        gid("ProductMedia", 0),
        gid("ProductMedia", -1),
        gid("ProductMedia", 2**70),
    ],
)
def test_bad_ids_are_400(client: Client, global_id: str):
    response = client.get(f"/thumbnail/{global_id}/128/webp/")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("size", "fmt"),
    [
        ("abc", "webp"),
        ("0", "webp"),
        ("-5", "webp"),
        ("1.5", "webp"),
        ("²", "webp"),
        ("99999999999", "webp"),
        ("128", "png"),
        ("128", "WEBP"),
        ("128", "jpeg"),
    ],
)
def test_bad_size_or_format_is_400(
    client: Client, media: ProductMedia, size: str, fmt: str
):
    response = client.get(thumbnail_path(media, size, fmt))

    assert response.status_code == 400
    assert Thumbnail.objects.count() == 0


def test_unknown_object_is_404(client: Client, media: ProductMedia):
    response = client.get(
        thumbnail_path(media, 128, "webp").replace(
            gid("ProductMedia", media.pk), gid("ProductMedia", media.pk + 1000)
        )
    )

    assert response.status_code == 404


def test_object_without_image_is_404(client: Client, product: Product):
    media = ProductMedia.objects.create(product=product)

    response = client.get(thumbnail_path(media, 128, "webp"))

    assert response.status_code == 404


def test_unreadable_image_is_404(client: Client, product: Product):
    media = ProductMedia(product=product)
    media.image.save("broken.png", ContentFile(b"not an image"), save=True)

    response = client.get(thumbnail_path(media, 128, "webp"))

    assert response.status_code == 404
    assert Thumbnail.objects.count() == 0


def test_post_is_not_allowed(client: Client, media: ProductMedia):
    response = client.post(thumbnail_path(media, 128, "webp"))

    assert response.status_code == 405


def test_media_files_are_served(client: Client, media: ProductMedia):
    response = client.get(f"/media/{media.image.name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert b"".join(response.streaming_content) == png_bytes()
    not_modified = client.get(
        f"/media/{media.image.name}", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert not_modified.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/products/../../secret.png",
        "/media/products/..%2f..%2fsecret.png",
        "/media//etc/passwd.png",
        "/media/products/%5c..%5c..%5csecret.png",
        "/media/products/missing.png",
        "/media/products",
        "/media/notes.txt",
    ],
)
def test_media_paths_outside_images_are_404(
    client: Client, media_root: Path, path: str
):
    (media_root.parent / "secret.png").write_bytes(png_bytes(1, 1))
    (media_root / "notes.txt").write_text("private")
    (media_root / "products").mkdir(exist_ok=True)

    response = client.get(path)

    assert response.status_code == 404


def test_sizes_snap_up():
    assert services.snap_thumbnail_size(1) == 32
    assert services.snap_thumbnail_size(32) == 32
    assert services.snap_thumbnail_size(33) == 64
    assert services.snap_thumbnail_size(1000) == 1024
    assert services.snap_thumbnail_size(5000) == 4096
    for size in (0, -1):
        with pytest.raises(ThumbnailError) as error:
            services.snap_thumbnail_size(size)
        assert error.value.code == ThumbnailErrorCode.INVALID_SIZE


def test_lost_race_returns_the_winners_row(
    media: ProductMedia,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
):
    winner = services.get_or_create_thumbnail(
        kind="ProductMedia", pk=media.pk, size=64, format="webp"
    )
    real_filter = Thumbnail.objects.filter
    calls = []

    def miss_first_lookup(*args: object, **kwargs: object):
        calls.append(kwargs)
        if len(calls) == 1:  # the lookup before generating: pretend nobody won yet
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Thumbnail.objects, "filter", miss_first_lookup)
    with django_capture_on_commit_callbacks(execute=True):
        loser = services.get_or_create_thumbnail(
            kind="ProductMedia", pk=media.pk, size=64, format="WEBP"
        )

    assert loser == winner
    assert Thumbnail.objects.count() == 1
    thumbnails_dir = Path(media.image.path).parent.parent / "thumbnails"
    assert len([p for p in thumbnails_dir.rglob("*") if p.is_file()]) == 1


def test_delete_thumbnails(media: ProductMedia, django_capture_on_commit_callbacks):
    thumbnail = services.get_or_create_thumbnail(
        kind="ProductMedia", pk=media.pk, size=64, format=None
    )
    assert thumbnail is not None
    assert thumbnail.format == ThumbnailFormat.ORIGINAL
    path = Path(media.image.path).parent.parent / thumbnail.file_name

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_thumbnails(kind="ProductMedia", pk=media.pk)

    assert Thumbnail.objects.count() == 0
    assert not path.exists()


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(global_id=st.text(min_size=1), size=st.text(min_size=1), fmt=st.text(min_size=1))
def test_garbage_never_causes_a_server_error(
    client: Client, global_id: str, size: str, fmt: str
):
    segments = "/".join(quote(part, safe="") for part in (global_id, size, fmt))

    response = client.get(f"/thumbnail/{segments}/")

    assert response.status_code in (400, 404)


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("source", "name", "fmt", "content_type"),
    [
        (
            lambda: encoded(Image.new("RGB", (400, 100)), "JPEG"),
            "a.jpg",
            "original",
            "image/jpeg",
        ),
        (
            lambda: encoded(Image.new("RGBA", (400, 100)), "PNG"),
            "a.png",
            "webp",
            "image/webp",
        ),
        (
            lambda: encoded(Image.new("P", (400, 100)), "GIF"),
            "a.gif",
            "original",
            "image/gif",
        ),
        (
            lambda: encoded(Image.new("CMYK", (400, 100)), "TIFF"),
            "a.tiff",
            "original",
            "image/png",
        ),
        (
            lambda: encoded(Image.new("LA", (400, 100)), "PNG"),
            "a.png",
            "original",
            "image/png",
        ),
    ],
)
def test_source_formats_and_modes(
    client: Client, product: Product, source, name: str, fmt: str, content_type: str
):
    media = ProductMedia(product=product)
    media.image.save(name, ContentFile(source()), save=True)

    response = client.get(thumbnail_path(media, 64, fmt))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert decode(response.content).size == (64, 16)


def test_exif_orientation_is_applied(client: Client, product: Product):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    media = ProductMedia(product=product)
    jpeg = encoded(Image.new("RGB", (400, 100)), "JPEG", exif=exif)
    media.image.save("rotated.jpg", ContentFile(jpeg), save=True)

    response = client.get(thumbnail_path(media, 64, "webp"))

    assert decode(response.content).size == (16, 64)
