"""Saving Device Farm artifacts to disk with the standard library.

Artifact names, extensions and URLs come from whoever wrote the tests, so they are
untrusted. :func:`file_name` is the one place a name becomes a file name: ASCII letters,
digits, ``._ -``, no leading dot, at most 200 characters, never a Windows device name.
Every file lands directly in the chosen directory, under a name no entry of it has
(whatever its case, a symlink included). Only ``https`` URLs are fetched, redirects
too; a body is read up to its declared length and never past the per-file size bound.

Each URL is streamed into a temporary file created in the directory with
``O_CREAT | O_EXCL | O_NOFOLLOW`` (``tempfile.mkstemp``), then linked to its final name
(``link`` never replaces an entry, nor follows a symlink), so a partial file never
carries the final name and nothing in or outside the directory is overwritten. Each file
has a bounded time and size; a URL is never logged, printed or put into an error (its
query string is a credential).
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
from jobkit.devicefarm._limits import DEFAULT_FILE_TIMEOUT, DEFAULT_MAX_FILE_BYTES, DEFAULT_TYPES
from jobkit.errors import ArtifactDownloadError, InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from jobkit.devicefarm import Artifact

__all__ = [
    "DEFAULT_FILE_TIMEOUT",
    "DEFAULT_MAX_FILE_BYTES",
    "DEFAULT_TYPES",
    "ArtifactDownloadError",
    "check_directory",
    "check_max_bytes",
    "check_types",
    "file_name",
    "file_names",
    "save_all",
]

logger = logging.getLogger("jobkit")

_CHUNK = 64 * 1024
_READ_TIMEOUT = 30.0  # at most this long for any one network read
# 200 + "-NNNN" stays well below the 255 bytes most file systems allow (names are ASCII).
_NAME_MAX = 200
_STEM_MAX = 150
_EXTENSION_MAX = 40
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
# Device names Windows reserves in any directory, with any extension (CON.txt too).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789"}
)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,15}):")


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


def check_max_bytes(value: object) -> int:
    """Check ``max_file_bytes``: a whole number of bytes above 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        shown = repr(value)[:40]
        msg = f"max_file_bytes is {shown}; pass a whole number of bytes above 0, e.g. 2**30."
        raise _fail(msg)
    return value


def _part(text: str | None, limit: int) -> str:
    return _UNSAFE.sub("_", text or "").strip(" .")[:limit].strip(" .")


def _stem_and_suffix(name: str | None, extension: str | None) -> tuple[str, str]:
    stem = _part(name, _STEM_MAX) or "artifact"
    ext = _part(extension, _EXTENSION_MAX)
    if stem.startswith("-") or stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        stem = f"_{stem}"  # a device name on Windows; an option to a shell command
    return stem, f".{ext}" if ext else ""


def file_name(name: str | None, extension: str | None) -> str:
    """The file name for an artifact called ``name`` with ``extension``, safe on any system.

    ``../../x`` becomes ``_.._x``, ``/etc/passwd`` ``_etc_passwd``, ``..`` ``artifact``,
    NUL ``_``, ``CON.txt`` ``_CON.txt``. The result has only ASCII letters, digits,
    ``._ -``, no leading dash, no leading or trailing dot or space, at most 200 characters.
    """
    stem, suffix = _stem_and_suffix(name, extension)
    return stem + suffix


def file_names(artifacts: Sequence[Artifact], directory: Path) -> list[tuple[Artifact, Path]]:
    """A unique file name in ``directory`` for each artifact: ``NAME.EXT``, then ``NAME-2.EXT``...

    A name is taken when any entry of ``directory`` (a file, a folder, a symlink, even a
    dangling one) or an earlier artifact has it in any letter case, so nothing is
    overwritten and case-only twins stay apart on a case-insensitive file system.
    """
    taken: set[str] = set()
    with contextlib.suppress(OSError):
        taken = {entry.name.lower() for entry in directory.iterdir()}
    planned: list[tuple[Artifact, Path]] = []
    for artifact in artifacts:
        stem, suffix = _stem_and_suffix(artifact.name, artifact.extension)
        candidate, n = stem + suffix, 1
        while candidate.lower() in taken or os.path.lexists(directory / candidate):
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


class _SaveError(Exception):
    """One file could not be saved; the message says why, never with the URL."""


class _TooSlowError(_SaveError):
    pass


class _IncompleteError(_SaveError):
    def __init__(self) -> None:
        super().__init__("the connection closed mid-file")


class _RefusedError(_SaveError):
    """A URL (or a redirect) jobkit does not fetch; the message names its scheme only."""


class _TooLargeError(_SaveError):
    pass


class _TakenError(_SaveError):
    pass


def _refuse_unless_https(url: str, what: str) -> None:
    if url[:8].lower() == "https://":
        return
    match = _SCHEME.match(url)
    scheme = f"with scheme {match[1].lower()}" if match else "with no scheme"
    msg = f"refused {what}a URL {scheme} (only https URLs are downloaded)"
    raise _RefusedError(msg)


def _opener() -> Any:
    """An opener with HTTPS alone (no http, ftp, file or data handler); redirects stay on https."""
    import ssl  # noqa: PLC0415 -- loaded only when downloading
    import urllib.request  # noqa: PLC0415
    from urllib.parse import urljoin  # noqa: PLC0415

    class HttpsRedirects(urllib.request.HTTPRedirectHandler):
        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            # Checked before urllib's own check, which allows ftp and says only "HTTP 302".
            target = headers.get("location") or headers.get("uri") or ""
            try:
                _refuse_unless_https(urljoin(req.full_url, target), "a redirect to ")
            except _RefusedError:
                fp.close()
                raise
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # HTTPS_PROXY tunnels (CONNECT); the fetch stays TLS
        urllib.request.UnknownHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        HttpsRedirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def save(
    url: str,
    path: Path,
    *,
    timeout: float,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    clock: Callable[[], float] = time.monotonic,
    opener: Any = None,
) -> int:
    """Stream ``url`` into ``path`` (temporary file, then link); return the bytes written.

    Raises ``OSError``, ``urllib.error.URLError``, ``http.client.HTTPException`` or a
    ``_SaveError``; the temporary file is removed on any failure, and ``path`` is never
    replaced (``_TakenError`` when something took the name meanwhile).
    """
    _refuse_unless_https(url, "")
    deadline = clock() + timeout
    # A short fixed prefix: the final name may already use most of the 255 bytes allowed.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jobkit-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            read_timeout = max(0.05, min(_READ_TIMEOUT, timeout))
            with (opener or _opener()).open(url, timeout=read_timeout) as response:
                written = _stream(response, out, clock, (timeout, deadline), max_bytes)
        _publish(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    return written


def _publish(temporary: str, path: Path) -> None:
    """Give the complete file its final name without replacing or following anything there."""
    taken = _TakenError(f"{path.name} appeared in the directory meanwhile; it was left alone")
    try:
        os.link(temporary, path)  # fails on any entry there, a symlink included
    except FileExistsError:
        raise taken from None
    except OSError:  # no hard links here (some network and FAT file systems): rename instead
        if os.path.lexists(path):
            raise taken from None
        Path(temporary).replace(path)
        return
    Path(temporary).unlink()


def _stream(
    response: Any,
    out: BinaryIO,
    clock: Callable[[], float],
    time_bound: tuple[float, float],
    max_bytes: int,
) -> int:
    """Copy the body within ``time_bound`` (seconds, deadline); never read past ``max_bytes`` + 1."""
    timeout, deadline = time_bound
    too_large = _TooLargeError(f"larger than the per-file limit of {max_bytes} bytes")
    declared = getattr(response, "length", None)
    if declared is not None and declared > max_bytes:
        raise too_large
    written = 0
    while chunk := response.read(min(_CHUNK, max_bytes + 1 - written)):
        written += len(chunk)
        if written > max_bytes:  # no length, or chunked: an endless body stops here
            raise too_large
        out.write(chunk)
        if clock() > deadline:
            msg = f"took longer than {timeout:g}s"
            raise _TooSlowError(msg)
    if getattr(response, "length", None):  # Content-Length said more was coming
        raise _IncompleteError
    return written


def save_all(
    planned: Iterable[tuple[Artifact, Path]],
    *,
    timeout: float = DEFAULT_FILE_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Path, ...]:
    """Save each artifact; raise :class:`ArtifactDownloadError` after trying all if some failed."""
    import http.client  # noqa: PLC0415 -- loaded only when downloading
    import urllib.error  # noqa: PLC0415

    written: list[Path] = []
    failed: dict[str, str] = {}
    opener = _opener()
    for artifact, path in planned:
        label = f"{artifact.name or 'artifact'} ({artifact.arn or 'no ARN'})"
        if not artifact.url:
            failed[label] = "AWS gave no URL"
            continue
        try:
            size = save(
                artifact.url, path, timeout=timeout, max_bytes=max_bytes, clock=clock, opener=opener
            )
        except _SaveError as exc:
            failed[label] = str(exc)
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
