"""The operator console: one page with the live fact stream, an item's availability and the trace of a
serial or lot, drawn in the browser from a small API that reads Kafka and the services' read APIs.

Like the `slt` CLI it is an outside client of the system (it shares the CLI's trace and read-API code)
and imports nothing from the services.
"""
