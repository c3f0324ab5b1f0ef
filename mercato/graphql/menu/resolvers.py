from mercato.graphql.menu.mutations import bindables as mutation_bindables
from mercato.graphql.menu.queries import query
from mercato.graphql.menu.types import bindables as type_bindables

bindables = [query, *type_bindables, *mutation_bindables]
