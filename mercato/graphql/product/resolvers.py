from mercato.graphql.product.queries import query
from mercato.graphql.product.types import bindables as type_bindables

bindables = [query, *type_bindables]
