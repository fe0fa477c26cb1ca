"""Saving Device Farm artifacts to disk with the standard library.

Each artifact's presigned URL is streamed into a temporary file beside its final name
and renamed only once complete, so a partial file never carries the final name. Each
file has a bounded time; a URL is never logged, printed or put into an error (its query
string is a credential).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from jobkit import devicefarm
from jobkit.errors import ArtifactDownloadError, InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from jobkit.devicefarm import Artifact

__all__ = [
    "DEFAULT_FILE_TIMEOUT",
    "DEFAULT_TYPES",
    "ArtifactDownloadError",
    "check_directory",
    "check_types",
    "file_names",
    "save_all",
]

logger = logging.getLogger("jobkit")

DEFAULT_TYPES: tuple[str, ...] = ("FILE", "LOG", "SCREENSHOT")
"""Every ListArtifacts category: files (videos, customer artifacts), logs and screenshots."""
DEFAULT_FILE_TIMEOUT = 300.0
"""Seconds one artifact may take to download before it is given up."""
_CHUNK = 64 * 1024
_READ_TIMEOUT = 30.0  # at most this long for any one network read
_NAME_MAX = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def _fail(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code="InvalidArgument")


def check_types(types: object) -> tuple[str, ...]:
    """Check ``types``: a non-empty sequence of ListArtifacts categories (FILE, LOG, SCREENSHOT)."""
    known = [c.value for c in devicefarm.ArtifactCategory]
    msg = f"types must be a tuple of artifact categories such as ('LOG',), got {type(types).__name__}."
    if isinstance(types, str | bytes):
        raise _fail(msg)
    try:
        items: list[object] = list(types)  # type: ignore[call-overload]  # pyright: ignore[reportUnknownArgumentType, reportCallIssue, reportArgumentType]
    except TypeError:
        raise _fail(msg) from None
    if not items:
        msg = f"types is empty; pass one or more of {', '.join(known)}."
        raise _fail(msg)
    clean: list[str] = []
    for item in items:
        if not isinstance(item, str) or item not in known:
            shown = repr(item)[:40]
            msg = f"{shown} is not an artifact category; pass one or more of {', '.join(known)}."
            raise _fail(msg)
        if item not in clean:
            clean.append(item)
    return tuple(clean)


def check_directory(directory: object) -> Path:
    """Create ``directory`` if needed and prove it writable; ``InvalidArgumentError`` otherwise."""
    text = ""
    if isinstance(directory, str):
        text = directory
    elif isinstance(directory, os.PathLike):
        text = str(os.fspath(cast("os.PathLike[str]", directory)))
    if not text.strip():
        kind = type(directory).__name__  # pyright: ignore[reportUnknownArgumentType]
        msg = f"directory must be a path (a str or pathlib.Path), got {kind}."
        raise _fail(msg)
    path = Path(text)
    shown = repr(str(path))[:80]
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".jobkit-probe-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        msg = (
            f"directory {shown} cannot be created or written ({reason}); pass a writable directory."
        )
        raise _fail(msg) from None
    return path


def _safe(text: str | None) -> str:
    cleaned = _UNSAFE.sub("_", text or "").strip(" .")
    return cleaned[:_NAME_MAX]


def file_names(artifacts: Sequence[Artifact], directory: Path) -> list[tuple[Artifact, Path]]:
    """A unique file name in ``directory`` for each artifact: ``NAME.EXT``, then ``NAME-2.EXT``...

    Names already taken on disk are not overwritten.
    """
    taken: set[str] = set()
    planned: list[tuple[Artifact, Path]] = []
    for artifact in artifacts:
        stem = _safe(artifact.name) or "artifact"
        extension = _safe(artifact.extension)
        suffix = f".{extension}" if extension else ""
        candidate, n = f"{stem}{suffix}", 1
        while candidate.lower() in taken or (directory / candidate).exists():
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        taken.add(candidate.lower())
        planned.append((artifact, directory / candidate))
    return planned


def _why(exc: BaseException) -> str:
    import http.client  # noqa: PLC0415 -- loaded only when downloading: it costs ~20 ms at import
    import urllib.error  # noqa: PLC0415

    """A reason that never contains the URL."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, TimeoutError):
        return "the server stopped sending"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return (
            f"cannot connect ({type(reason).__name__})"
            if not isinstance(reason, str)
            else "cannot connect"
        )
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed mid-file"
    return type(exc).__name__


class _TooSlowError(Exception):
    pass


class _IncompleteError(Exception):
    pass


def save(
    url: str,
    path: Path,
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Stream ``url`` into ``path`` (temporary name, then rename); return the bytes written.

    Raises ``OSError``, ``urllib.error.URLError``, ``http.client.HTTPException``,
    ``_TooSlowError`` or ``_IncompleteError``; the temporary file is removed on any failure.
    """
    import urllib.error  # noqa: PLC0415 -- loaded only when downloading
    import urllib.request  # noqa: PLC0415

    if not url.lower().startswith(("https://", "http://")):
        raise urllib.error.URLError("not an http(s) URL")
    deadline = clock() + timeout
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            read_timeout = max(0.05, min(_READ_TIMEOUT, timeout))
            with urllib.request.urlopen(url, timeout=read_timeout) as response:  # noqa: S310 -- scheme checked above
                written = _stream(response, out, deadline, clock)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    return written


def _stream(response: Any, out: BinaryIO, deadline: float, clock: Callable[[], float]) -> int:
    written = 0
    while chunk := response.read(_CHUNK):
        out.write(chunk)
        written += len(chunk)
        if clock() > deadline:
            raise _TooSlowError
    if getattr(response, "length", None):  # Content-Length said more was coming
        raise _IncompleteError
    return written


def save_all(
    planned: Iterable[tuple[Artifact, Path]],
    *,
    timeout: float = DEFAULT_FILE_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Path, ...]:
    """Save each artifact; raise :class:`ArtifactDownloadError` after trying all if some failed."""
    import http.client  # noqa: PLC0415 -- loaded only when downloading
    import urllib.error  # noqa: PLC0415

    written: list[Path] = []
    failed: dict[str, str] = {}
    for artifact, path in planned:
        label = f"{artifact.name or 'artifact'} ({artifact.arn or 'no ARN'})"
        if not artifact.url:
            failed[label] = "AWS gave no URL"
            continue
        try:
            size = save(artifact.url, path, timeout=timeout, clock=clock)
        except _TooSlowError:
            failed[label] = f"took longer than {timeout:g}s"
        except _IncompleteError:
            failed[label] = "the connection closed mid-file"
        except (OSError, urllib.error.URLError, http.client.HTTPException, ValueError) as exc:
            failed[label] = _why(exc)
        else:
            logger.info("saved artifact %s to %s (%d bytes)", artifact.name, path, size)
            written.append(path)
            continue
        logger.warning("could not save artifact %s: %s", label, failed[label])
    if failed:
        first = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:3])
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""  # noqa: PLR2004
        msg = (
            f"{len(failed)} of {len(failed) + len(written)} artifacts could not be saved "
            f"({first}{more}); the others are in .written, and no partial file was kept."
        )
        raise ArtifactDownloadError(msg[:600], written=tuple(written), failed=failed)
    return tuple(written)
