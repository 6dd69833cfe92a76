# SPDX-License-Identifier: Apache-2.0
"""npyguard: load NumPy .npy and .npz files from people you do not trust.

A drop-in for ``np.load(file, allow_pickle=False)`` built on the npyguard C++ library: headers are
parsed by a strict grammar (never evaluated), every size is checked against the input and the
limits before anything is allocated, object arrays are refused, and every ZIP structure of an
.npz is validated before a byte is inflated. A refused input raises :class:`npyguard.Error` (a
``ValueError``) with a stable ``code``; ``check()`` returns the same verdict as an object instead.

    >>> import npyguard
    >>> array = npyguard.load("upload.npy", max_array_bytes=256 << 20)   # doctest: +SKIP
    >>> npyguard.check(b"not an array").code
    'bad_magic'

The GIL is released while bytes are read, parsed, inflated and scanned, every call is
thread-safe, and arguments and results (arrays, verdicts, limits, errors) pickle.
"""

import collections.abc
import os

try:
    import numpy  # noqa: F401  (the native module uses NumPy's C API)
except ImportError as missing:  # pragma: no cover
    raise ImportError("npyguard needs NumPy (Debian: python3-numpy)") from missing

from . import _error
from ._error import Error
from . import _npyguard as _native
from ._npyguard import Limits, Verdict

__version__ = _native.version

__all__ = [
    "Error",
    "Limits",
    "NpzFile",
    "Verdict",
    "check",
    "error_codes",
    "inspect",
    "load",
    "sanitize",
    "save",
    "savez",
    "savez_compressed",
]

_DEFAULT_LIMITS = Limits()


def _limits(limits, settings):
    """The Limits for one call: `limits` (default Limits()) with `settings` changed."""
    if limits is None:
        limits = _DEFAULT_LIMITS
    elif not isinstance(limits, Limits):
        raise TypeError("limits must be a npyguard.Limits, not %s" % type(limits).__name__)
    if settings:
        # np.load's name for the header limit: characters, as max_header_chars counts them,
        # with room for as many bytes as that many UTF-8 characters can take.
        if "max_header_size" in settings:
            settings = dict(settings)
            chars = settings.pop("max_header_size")
            settings["max_header_chars"] = chars
            if isinstance(chars, int) and "max_header_bytes" not in settings:
                settings["max_header_bytes"] = max(limits.max_header_bytes, 4 * chars)
        return limits.replace(**settings)
    return limits


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII", *,
         limits=None, **settings):
    """Load an array or an archive of arrays from an .npy or .npz file, safely.

    A drop-in for ``np.load(file, allow_pickle=False)``.

    Parameters
    ----------
    file : str, os.PathLike, bytes-like or binary file object
        A path; the file's contents (``bytes``, ``bytearray``, ``memoryview``: an upload body;
        ``bytes`` are read in place, any other buffer is copied once first, since it could
        change while it is read); or a file object opened in binary mode, read from its
        current position and left just after the array, as np.load leaves it. A file object
        over a regular file is read through its descriptor when it is at the file's start,
        and an io.BytesIO as bytes; other streams are read as streams (an .npz is copied into
        memory, up to ``max_streamed_archive_bytes``). .npy and .npz are told apart by
        content, never by name.
    mmap_mode : None or 'r'
        'r' maps a path's .npy read-only and returns a read-only ndarray (not an np.memmap)
        over the mapping (validated like any load; zero-copy when the payload is aligned).
        The usual caveat of memory maps applies: if another process truncates the file while
        it is mapped, reading the array raises SIGBUS. Ignored for .npz, as np.load ignores
        it. Other modes are not supported.
    allow_pickle : False
        npyguard never unpickles: True raises ValueError.
    fix_imports, encoding
        Accepted for np.load compatibility; they only concern pickles, so they do nothing.
    limits : npyguard.Limits, optional
        The resource budget and policy (default ``Limits()``, for untrusted uploads).
    **settings
        Any Limits setting by name, e.g. ``max_array_bytes=256 << 20``, applied on top of
        `limits`; ``max_header_size`` (np.load's name) sets ``max_header_chars`` (and raises
        ``max_header_bytes`` to the 4 bytes per character UTF-8 may need).

    Returns
    -------
    numpy.ndarray or NpzFile
        For an .npy, an array equal to np.load's in every respect (dtype with byte order,
        titles, offsets and itemsize; shape; C or Fortran order; element bytes), owned and
        writeable, its memory filled by the library. For an .npz, a lazy mapping like NumPy's
        NpzFile: the archive's directory is validated now, each member when it is read.

    Raises
    ------
    npyguard.Error
        The input was refused; ``.code`` says why (e.g. 'object_dtype', 'array_too_large').
    OSError
        The input could not be read (FileNotFoundError, PermissionError, ...).
    """
    if allow_pickle:
        raise ValueError("npyguard never unpickles: allow_pickle=True is not supported (object "
                         "arrays are refused with code 'object_dtype')")
    if mmap_mode is not None and mmap_mode != "r":
        raise ValueError("npyguard supports mmap_mode=None or 'r' only, not %r" % (mmap_mode,))
    chosen = _limits(limits, settings)
    result = _native.load(file, chosen, mmap_mode is not None)
    if type(result) is _native._Archive:
        return NpzFile(result, file, chosen)
    return result


def check(file, *, limits=None, **settings):
    """Validate an .npy or .npz input completely and return a :class:`Verdict`.

    The verdict `npyguard check` gives: ``verdict.ok``, and for a refused input ``code``,
    ``category``, ``message``, ``detail``, ``offset``, ``member`` (the same attributes
    npyguard.Error has); for an accepted one the metadata `inspect` reports (``shape``,
    ``dtype``, ``members``, ``info``). Never raises for a bad or unreadable input (an
    unreadable one is a verdict with category 'io'); memory stays bounded whatever the size
    (payloads are streamed through, archive members inflated in steps). `file` and the limits
    are taken as by :func:`load`.
    """
    return _native.check(file, _limits(limits, settings))


def inspect(file, *, limits=None, **settings):
    """Everything the header says, as the dict `npyguard inspect --json` prints.

    Validates like :func:`check` and raises like :func:`load` when the input is refused. For an
    .npy: version, header_length, payload_offset, descr, dtype, shape, fortran_order, count,
    nbytes and fields; for an .npz: compressed_bytes, uncompressed_bytes and every member's
    directory entry with the same .npy keys (docs/json-output.md lists them all). "file" is
    the path as given, a file object's name, or None for bytes.
    """
    return _native.inspect(file, _limits(limits, settings))


def sanitize(src, dst, *, native_byte_order=False, c_order=False, compress=None, limits=None,
             **settings):
    """Validate `src` like :func:`check`, then write its canonical copy to `dst`.

    The copy has the same dtype, shape, order and values under exactly the header np.save
    writes and nothing after the data; an .npz is rewritten member by member as ``<key>.npy``
    in a fresh archive. `native_byte_order` and `c_order` convert on the way; `compress` is
    None (deflate when any input member is deflated), True (deflate) or False (stored). `src`
    is taken as by :func:`load`; `dst` is a path, written atomically (temporary file, fsync,
    rename) after the finished copy has been read back under the same limits, or a binary
    file object, which gets the copy once it has been built and read back in memory. `dst`
    may not be `src`. Raises like :func:`load`; returns None.
    """
    _native.sanitize(src, dst, bool(native_byte_order), bool(c_order),
                     None if compress is None else bool(compress), _limits(limits, settings))


def _with_suffix(path, suffix):
    path = os.fspath(path)
    if isinstance(path, bytes):
        return path if path.endswith(suffix.encode()) else path + suffix.encode()
    return path if path.endswith(suffix) else path + suffix


def save(file, arr, allow_pickle=False, fix_imports=True):
    """Save an array to an .npy file: the bytes np.save writes.

    `file` is a path (".npy" is appended when missing, as np.save does; the file is written
    atomically: temporary file, fsync, rename) or a binary file object. Object arrays are
    refused (npyguard.Error 'object_dtype') whatever `allow_pickle` says; `fix_imports` is
    accepted for np.save compatibility and does nothing.
    """
    if hasattr(file, "write"):
        _native.save_file(file, arr)
    else:
        _native.save_path(_with_suffix(file, ".npy"), arr)


def _savez(file, args, kwds, compress):
    if not hasattr(file, "write"):
        file = _with_suffix(file, ".npz")
    # numpy.savez's naming: keywords first, then the positional arrays as arr_0, arr_1, ...
    members = dict(kwds)
    for i, value in enumerate(args):
        key = "arr_%d" % i
        if key in members:
            raise ValueError("Cannot use un-named variables and keyword %s" % key)
        members[key] = value
    _native.savez(file, list(members.items()), compress)


def savez(file, *args, **kwds):
    """Save several arrays into an uncompressed .npz archive, as numpy.savez does.

    Members are named as numpy.savez names them (the keywords, then arr_0, arr_1, ... for the
    positional arrays) and hold exactly the bytes np.save writes; the archive has ZIP64
    records for every member, as numpy.savez writes them. `file` is a path (".npz" appended
    when missing; written atomically) or a binary file object. Keys must be names the npyguard
    reader accepts back (no path separators, no control characters).
    """
    _savez(file, args, kwds, False)


def savez_compressed(file, *args, **kwds):
    """Like :func:`savez`, with every member deflated, as numpy.savez_compressed does.

    zlib's default level (6), as NumPy uses it: the members hold the same np.save bytes and
    deflate to the same sizes as numpy.savez_compressed's.
    """
    _savez(file, args, kwds, True)


def error_codes():
    """Every error code as (number, name, category, message), in numeric order."""
    return _native.error_codes()


class _Attributes:
    """NpzFile.f: members as attributes (npz.f.x is npz['x']), as NumPy's BagObj."""

    def __init__(self, archive):
        self._archive = archive

    def __getattribute__(self, key):
        archive = object.__getattribute__(self, "_archive")
        try:
            return archive[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(object.__getattribute__(self, "_archive").files)


def _reopen(source, limits):
    result = _native.load(source, limits, False)
    if type(result) is not _native._Archive:
        raise Error("the pickled NpzFile's source is no longer an archive")
    return NpzFile(result, source, limits)


class NpzFile(collections.abc.Mapping):
    """An .npz archive opened by npyguard.load: a lazy, read-only mapping of its arrays.

    Like NumPy's NpzFile: ``files`` (and ``keys()``) lists the keys (member names without
    ".npy"); ``npz[key]`` looks the key up as NumPy does (the full member name first, then
    key + ".npy") and reads that member, inflating, CRC-checking and validating it, into a new
    array; ``in``, ``len()``, iteration, ``npz.f.key``, ``close()`` and ``with`` work as in
    NumPy. The directory was validated when the archive was opened; a member is validated each
    time it is read (and npyguard.Error raised there names it). Reading members from several
    threads at once is safe. An NpzFile opened from a path or bytes pickles (it is opened
    again where it is unpickled); one opened from a file object does not.
    """

    def __init__(self, archive, source, limits):
        self._archive = archive
        entries = [entry for entry in archive.members if not entry[2]]
        self._files = [name for name, _, _ in entries]
        self.files = [key for _, key, _ in entries]
        self._by_name = {}
        self._by_key = {}
        for index, (name, key, skipped) in enumerate(archive.members):
            if not skipped:
                self._by_name.setdefault(name, index)
                self._by_key.setdefault(key, index)
        self._limits = limits
        self._source = source
        self.f = _Attributes(self)

    def __getitem__(self, key):
        archive = self._archive
        if archive is None:
            raise ValueError("I/O operation on a closed NpzFile")
        index = self._by_name.get(key)
        if index is None:
            index = self._by_key.get(key)
        if index is None:
            raise KeyError("%s is not a file in the archive" % (key,))
        return archive.read(index)

    def __contains__(self, key):
        return key in self._by_name or key in self._by_key

    def read_all(self, threads=None):
        """Every array of the archive, as a dict {key: array} in member order.

        The members are inflated, CRC-checked and validated up to `threads` at a time (None:
        one per core), with the GIL released: the same arrays and the same first error (in
        member order) as ``{key: npz[key] for key in npz}``, several times faster on a
        multi-core machine for a compressed archive. All the members' headers together may
        not exceed ``max_total_header_bytes``, since every array is held at once.
        """
        archive = self._archive
        if archive is None:
            raise ValueError("I/O operation on a closed NpzFile")
        if threads is None:
            threads = 0
        elif not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
            raise ValueError("threads must be a positive int or None")
        return dict(zip(self.files, archive.read_all(threads)))

    def __iter__(self):
        return iter(self.files)

    def __len__(self):
        return len(self.files)

    def close(self):
        """Close the archive (its file is closed once no read is still using it)."""
        self._archive = None
        self.f = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def __repr__(self):
        source = self._source
        if isinstance(source, (str, bytes, os.PathLike)) and not isinstance(source, bytes):
            name = os.fspath(source)
        else:
            name = getattr(source, "name", None) if hasattr(source, "read") else None
        keys = ", ".join(self.files[:5]) + ("..." if len(self.files) > 5 else "")
        where = " %r" % (name,) if name is not None else ""
        state = " (closed)" if self._archive is None else ""
        return "<npyguard.NpzFile%s with keys: %s%s>" % (where, keys, state)

    def __reduce__(self):
        source = self._source
        if isinstance(source, str) or (isinstance(source, os.PathLike)):
            return (_reopen, (os.path.abspath(os.fspath(source)), self._limits))
        if isinstance(source, (bytes, bytearray, memoryview)):
            return (_reopen, (bytes(source), self._limits))
        raise TypeError("an NpzFile opened from a file object cannot be pickled; open it from "
                        "a path or bytes")
