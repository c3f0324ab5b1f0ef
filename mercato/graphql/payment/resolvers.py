from mercato.graphql.payment.mutations import bindables as mutation_bindables
from mercato.graphql.payment.orders import bindables as order_bindables
from mercato.graphql.payment.queries import query
from mercato.graphql.payment.types import bindables as type_bindables

bindables = [query, *type_bindables, *order_bindables, *mutation_bindables]
