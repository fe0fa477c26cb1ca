"""The socket timeouts of clients jobkit builds: far below botocore's 60 s, and settable.

Their own module, so the command's ``--help`` can state them without importing boto3.
"""

from __future__ import annotations

__all__ = ["DEFAULT_CONNECT_TIMEOUT", "DEFAULT_READ_TIMEOUT"]

DEFAULT_CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection, for clients jobkit builds (botocore's default is 60)."""
DEFAULT_READ_TIMEOUT = 15.0
"""Seconds to wait for each read of a response, for clients jobkit builds (botocore's: 60)."""
