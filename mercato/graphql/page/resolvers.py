from mercato.graphql.page.mutations import bindables as mutation_bindables
from mercato.graphql.page.queries import query
from mercato.graphql.page.types import bindables as type_bindables

bindables = [query, *type_bindables, *mutation_bindables]
