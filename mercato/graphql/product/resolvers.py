from mercato.graphql.product.mutations import bindables as mutation_bindables
from mercato.graphql.product.product_mutations import bindables as product_mutations
from mercato.graphql.product.queries import query
from mercato.graphql.product.types import bindables as type_bindables

bindables = [query, *type_bindables, *mutation_bindables, *product_mutations]
