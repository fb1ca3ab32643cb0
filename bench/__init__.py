"""plangate's benchmarks: run with ``python -m bench`` (``make bench``), never by the test suite.

One module per benchmark (``step_overhead``, ``parallel_plans``, ``concurrency``, ``startup``,
``replay``), each with ``measure(...)`` taking its sizes and ``run(quick=...)``; ``workload``
holds what they share. See ``bench/README.md``.
"""
