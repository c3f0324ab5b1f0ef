from mercato.graphql.checkout.delivery import bindables as delivery_bindables
from mercato.graphql.checkout.mutations import bindables as mutation_bindables
from mercato.graphql.checkout.queries import query
from mercato.graphql.checkout.types import bindables as type_bindables

bindables = [query, *type_bindables, *delivery_bindables, *mutation_bindables]
