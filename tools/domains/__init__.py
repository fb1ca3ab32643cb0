"""The six bundled tool domains, built on the tool core as any third-party domain would be.

Each domain — ``calendar``, ``flights``, ``restaurants``, ``retrieval``, ``market``, ``broker`` —
has typed models, a backend ``Protocol``, a deterministic sandbox, an HTTP backend, the REST
routes that serve its sandbox, and its tools (``TOOLS``). Shared by them: ``world`` (the
reference data every sandbox draws from), ``backends`` (all six backends as one set, sandbox or
HTTP), ``server`` (the sandbox REST server's frame) and ``catalog`` (every built-in tool).
See ``docs/domains.md`` for how a domain is built.
"""
