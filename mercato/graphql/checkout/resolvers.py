from mercato.graphql.checkout.mutations import bindables as mutation_bindables
from mercato.graphql.checkout.queries import query
from mercato.graphql.checkout.types import bindables as type_bindables

bindables = [query, *type_bindables, *mutation_bindables]
