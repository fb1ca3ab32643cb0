"""The trading assistant: paper-trades stocks after looking at quotes, indicators and research.

``plangate.agents.trading.spec.SPEC`` is the assistant. Its parts, one module each: ``instructions``
(what a model is told), ``response`` (the trade report it answers with), ``policy`` (its
guardrails and limits, with the order checks in ``guards``), ``grammar`` (what the offline
planner understands, with ``slots`` and ``signals`` reading the request and ``plans`` building
the workflows; ``replan`` explains what could not be done) and ``answer`` (the offline answer,
with ``figures`` reading tool results and ``summary`` writing its one line).
"""
