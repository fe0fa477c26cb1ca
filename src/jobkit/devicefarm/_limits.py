"""download_artifacts' defaults, apart from the downloader so the facade's signature needs no I/O code."""

from __future__ import annotations

__all__ = ["DEFAULT_FILE_TIMEOUT", "DEFAULT_MAX_FILE_BYTES", "DEFAULT_TYPES"]

DEFAULT_TYPES: tuple[str, ...] = ("FILE", "LOG", "SCREENSHOT")
"""Every ListArtifacts category: files (videos, customer artifacts), logs and screenshots."""
DEFAULT_FILE_TIMEOUT = 300.0
"""Seconds one artifact may take to download before it is given up."""
DEFAULT_MAX_FILE_BYTES = 8 * 1024**3
"""Bytes one artifact may have (8 GiB): a larger or endless body is given up."""
