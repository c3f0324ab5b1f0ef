"""``translation(languageCode)`` fields, batched per language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import ObjectType
from django.db import models
from graphql import GraphQLResolveInfo

from mercato.core.languages import to_stored_code
from mercato.graphql.core.dataloaders import Loader, attach_batch, get_loader
from mercato.graphql.core.ids import to_global_id
from mercato.graphql.core.resolvers import language_display


def translation_loader(model: type[models.Model], fk: str) -> type[Loader[int, Any]]:
    """A loader of ``model`` rows for one language (the loader's scope), by owner ID."""

    class TranslationLoader(Loader[int, Any]):
        def batch_load(self, keys: list[int]) -> dict[int, Any]:
            rows = model._default_manager.filter(
                **{f"{fk}_id__in": keys, "language_code": self.channel}
            )
            return {getattr(row, f"{fk}_id"): row for row in attach_batch(list(rows))}

    TranslationLoader.__name__ = f"{model.__name__}Loader"
    return TranslationLoader


def bind_translation(
    owner: ObjectType,
    translation: ObjectType,
    model: type[models.Model],
    fk: str,
    owner_of: Callable[[Any], Any] = lambda root: root,
) -> None:
    """Bind ``owner.translation`` and the ``id``/``language`` of the translation."""
    loader_class = translation_loader(model, fk)

    def resolve_translation(
        root: Any, info: GraphQLResolveInfo, language_code: str
    ) -> Any:
        node = owner_of(root)
        loader = get_loader(info.context, loader_class, to_stored_code(language_code))
        return loader.load_for(node, lambda n: n.pk)

    owner.set_field("translation", resolve_translation)
    type_name = translation.name

    def resolve_id(root: Any, info: GraphQLResolveInfo) -> str:
        return to_global_id(type_name, root.pk)

    def resolve_language(root: Any, info: GraphQLResolveInfo) -> dict[str, str]:
        return language_display(root.language_code)

    translation.set_field("id", resolve_id)
    translation.set_field("language", resolve_language)
