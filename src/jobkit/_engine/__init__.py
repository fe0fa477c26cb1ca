"""The wait engine: everything that is the same for every service.

From the bottom up: policies and their maths (``_backoff``, ``_deadline``, ``_waiting``,
``_retry``), the sans-I/O wait core (``_core``), the operation table's types (``_operations``),
the drivers, the only code that calls AWS or sleeps (``_calls``, ``_sync``, ``_async``,
``_group``, ``_many``, ``_rate``), and the generic facade (``_facade``, ``_flows``,
``_stopping``). It imports :mod:`jobkit._convert` and :mod:`jobkit.errors`, and names no
service: each service's folder (:mod:`jobkit.devicefarm`, ...) brings its own rows.
"""
