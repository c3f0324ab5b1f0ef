from typing import Any

from django.core.management.base import BaseCommand

from mercato.graphql.schema import printed_schema


class Command(BaseCommand):
    help = "Print the GraphQL schema that mercato serves."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(printed_schema(), ending="")
