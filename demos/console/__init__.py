"""The web console: a page served by ``plangate serve`` at ``/`` that watches runs and decides.

It shows the threads and their runs, a run's plan as a graph in waves whose steps change as the
run's events stream in, the calls waiting for approval across runs (with where each argument
came from), and a trace file's timeline. It is a client of the public HTTP API only
(``plangate.demos.serve``): whatever it shows, any other client can ask for too.

Decisions, and why:

- **No build step, no Node.js for anyone.** The console is standard ES modules served as static
  files (``static/``); ``pip install`` is all a user needs, and the files in the package are the
  files that run, so there is no built bundle to keep in step with its sources.
- **Preact + htm as the UI library.** Components and hooks in 4 kB (Preact), with JSX-like
  templates written in tagged template literals (htm), so no compiler is needed. Both are
  small, well kept and published as ES modules; they are vendored as those published files
  (``static/vendor/``, with ``vendor.json`` recording package, version, file and SHA-256; a test
  checks the hashes; ``make console-vendor`` refreshes them) and the page's import map names
  them, so nothing is fetched from a CDN.
- **Untrusted text stays text.** Tool results, model output and venue names reach the page only
  as text nodes (htm/Preact escape them; the console never sets HTML from data), and the page's
  Content-Security-Policy runs no script but its own (``assets``).
- **The token lives in the tab.** A server with a bearer token asks for it once per tab; it is
  kept in ``sessionStorage`` and sent as ``Authorization: Bearer``. Events are read with
  ``fetch`` rather than ``EventSource`` for that reason: an ``EventSource`` cannot send it.

``console_router()`` (``assets``) is what the API includes to serve it.
"""

from plangate.demos.console.assets import console_router

__all__ = ["console_router"]
