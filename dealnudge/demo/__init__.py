"""The bundled bilingual sample team behind ``dealnudge demo``.

Kept apart from the runtime path: the service never imports it; the ``demo``
command, the tests and the benchmarks do.
"""
