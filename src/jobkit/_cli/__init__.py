"""The ``jobkit`` command: get a job-like resource, or wait for it to finish.

``_args`` (arguments and help), ``_durations``, ``_words`` (messages in the command's
words), ``_live`` (progress on stderr), ``_render`` / ``_summary`` / ``_secrets`` (the
result on stdout), ``_github`` (GitHub Actions mode) and ``_main`` (running it: exit
codes, signals, a closed stdout).
"""

from __future__ import annotations

from jobkit._cli._main import main

__all__ = ["main"]
