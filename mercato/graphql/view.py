def graphql_view(request):
    raise NotImplementedError
