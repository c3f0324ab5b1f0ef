from mercato.graphql.order.fulfillments import bindables as fulfillment_bindables
from mercato.graphql.order.mutations import bindables as mutation_bindables
from mercato.graphql.order.queries import bindables as query_bindables
from mercato.graphql.order.types import bindables as type_bindables

bindables = [
    *query_bindables,
    *type_bindables,
    *mutation_bindables,
    *fulfillment_bindables,
]
