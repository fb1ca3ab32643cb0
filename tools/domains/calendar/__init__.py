"""The calendar domain: events, free/busy, free slots, create and cancel; iCalendar import/export.

Import it as ``plangate.tools.domains.calendar`` (never as a top-level ``calendar``, which is the
standard library's). Modules, as in every domain (see ``docs/domains.md``):

- ``models``: ``Event``, ``NewEvent``, ``BusyInterval``, ``FreeSlot``, ``WorkingHours``
- ``backend``: the ``CalendarBackend`` Protocol
- ``sandbox``: ``SandboxCalendarBackend``, seeded and stateful, with ``audit()``
- ``http``: ``HttpCalendarBackend``, Google Calendar API v3 shaped
- ``routes``: ``PREFIX`` and ``router(backend)``, the REST API
- ``tools``: the typed tools and ``TOOLS``
- ``ical``: iCalendar (.ics) import and export
- ``recurrence``, ``slots``, ``wire``: RRULE expansion, free-slot search, the JSON wire format
"""
