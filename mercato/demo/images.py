"""Simple generated PNG images for products, categories and collections."""

from __future__ import annotations

import io
import random
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

IMAGE_SIZE = 512
# Catalogs larger than this share a pool of images instead of one set per product.
PER_PRODUCT_IMAGE_LIMIT = 300
# Roughly how many distinct images a pooled catalog uses, spread over the product types.
POOL_SIZE = 50

_BACKGROUNDS = (
    (233, 196, 106),
    (244, 162, 97),
    (231, 111, 81),
    (42, 157, 143),
    (38, 70, 83),
    (142, 202, 230),
    (33, 158, 188),
    (255, 183, 3),
    (251, 133, 0),
    (131, 197, 190),
    (237, 246, 249),
    (226, 149, 120),
    (181, 131, 141),
    (109, 104, 117),
    (168, 218, 220),
    (69, 123, 157),
    (29, 53, 87),
    (230, 57, 70),
    (204, 213, 174),
    (233, 237, 201),
)
_SHAPES = ("circle", "square", "diamond", "triangle")

Color = tuple[int, int, int]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _contrast(color: Color) -> Color:
    luminance = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]
    return (34, 34, 34) if luminance > 150 else (250, 250, 245)


def render_png(label: str, *, background: Color, accent: Color, shape: str) -> bytes:
    """A square PNG: flat background, a shape in the accent colour, the label on top."""
    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), background)
    draw = ImageDraw.Draw(image)
    low, high = IMAGE_SIZE // 5, IMAGE_SIZE - IMAGE_SIZE // 5
    mid = IMAGE_SIZE // 2
    if shape == "circle":
        draw.ellipse((low, low, high, high), fill=accent)
    elif shape == "square":
        draw.rounded_rectangle(
            (low, low, high, high), radius=IMAGE_SIZE // 16, fill=accent
        )
    elif shape == "diamond":
        draw.polygon(
            [(mid, low - 30), (high + 30, mid), (mid, high + 30), (low - 30, mid)],
            fill=accent,
        )
    else:
        draw.polygon(
            [(mid, low - 20), (high + 20, high), (low - 20, high)], fill=accent
        )
    font = _font(IMAGE_SIZE // 3 if len(label) <= 2 else IMAGE_SIZE // 8)
    draw.text((mid, mid + 10), label, fill=_contrast(accent), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def save_image(path: str, content: bytes) -> str:
    """Write ``content`` to default storage at exactly ``path`` and return its name.

    A file left at that path by an earlier run is replaced rather than renamed, so the
    stored names stay deterministic.
    """
    if default_storage.exists(path):
        default_storage.delete(path)
    return str(default_storage.save(path, ContentFile(content)))


class ImageBank:
    """Generates and saves the demo images, remembering the names already written."""

    def __init__(self, *, seed: int, products: int, product_types: int) -> None:
        self.seed = seed
        self.per_product = products <= PER_PRODUCT_IMAGE_LIMIT
        self.pool_per_type = max(1, POOL_SIZE // max(product_types, 1))
        self._saved: dict[str, str] = {}

    def _style(self, key: str) -> tuple[Color, Color, str]:
        rng = random.Random(f"{self.seed}:image:{key}")
        background, accent = rng.sample(_BACKGROUNDS, 2)
        return background, accent, rng.choice(_SHAPES)

    def _image(self, path: str, label: str) -> str:
        if path not in self._saved:
            background, accent, shape = self._style(path)
            png = render_png(label, background=background, accent=accent, shape=shape)
            self._saved[path] = save_image(path, png)
        return self._saved[path]

    def product_image(
        self, *, slug: str, name: str, product_type: str, position: int, pick: int
    ) -> str:
        """The image name for the media at ``position`` of a product.

        Small catalogs get one image per product and position, labelled with the
        product's initial; big ones reuse ``pool_per_type`` images per product type,
        chosen by ``pick``.
        """
        if self.per_product:
            path = f"products/demo-{self.seed}-{slug}-{position + 1}.png"
            return self._image(path, name[:1].upper())
        number = pick % self.pool_per_type + 1
        path = f"products/demo-{self.seed}-{product_type}-{number}.png"
        return self._image(path, product_type[:1].upper())

    def background(self, *, folder: str, slug: str, name: str) -> str:
        return self._image(f"{folder}/demo-{self.seed}-{slug}.png", name)
