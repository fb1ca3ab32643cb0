"""The reservation assistant: books restaurants, flights and calendar events by the travel policy.

``plangate.agents.reservation.spec.SPEC`` is the assistant. Its parts, one module each:
``instructions`` (what a model is told), ``response`` (the itinerary it answers with), ``policy``
(its guardrails, built from ``limits``, ``fares`` and ``clashes``), ``grammar`` (what the offline
planner understands, with ``slots`` reading the request and ``plans`` building the workflows;
``replan`` decides what to do after a step fails) and ``answer`` (the offline answer).
"""
