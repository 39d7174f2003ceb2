"""The GraphQL API and its offline explorer (``dutygraph serve``).

* :mod:`.schema` — the strawberry schema: root queries, the one ``Mutation``
  type assembled from every module's mutations;
* :mod:`.types` — the node and answer types; :mod:`.pagination` — connections;
* :mod:`.loaders` — one snapshot and batched reads (DataLoaders) per request;
* :mod:`.auth` — bearer tokens and roles; :mod:`.app` — the ASGI app;
* :mod:`.explorer` and ``static/`` — the vendored GraphiQL explorer.

Importing this package imports nothing heavy; the submodules need the
``api`` extra (strawberry, starlette, uvicorn).
"""
