"""plangate demos: the ``plangate`` command line and scripted demo scenarios."""
