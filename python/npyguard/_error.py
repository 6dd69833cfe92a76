# SPDX-License-Identifier: Apache-2.0
"""npyguard.Error: the exception for every input npyguard refuses (defined in Python so that it
pickles by name and subclasses ValueError like the errors np.load raises)."""

__all__ = ["Error"]


class Error(ValueError):
    """An input npyguard refused (or a setting it cannot use), with its stable error code.

    Attributes (the same as the CLI's --json error object):
      code          the stable snake_case name, e.g. 'object_dtype' (branch on this)
      number        its stable numeric value, e.g. 301
      category      'malformed', 'unsupported', 'policy_rejected', 'limit_exceeded', 'io',
                    'internal' or 'misuse'
      message       one sentence about the code
      detail        the precise rule that failed, with its numbers
      offset        byte offset of the problem (file-absolute, or inside the uncompressed
                    member when member_index is set); None when no offset is meaningful
      member        name of the archive member the error is about, or None
      member_index  its index in the archive's directory, or None
      found, expected, limit
                    the numbers the rule compared (None when not part of the rule)
      filename      the input as the caller named it, or None (bytes, unnamed file objects)

    str(error) is one line a person can act on: "<code>: <message>: <detail> (member 'x.npy',
    offset N)". I/O failures are not Error but the OSError subclass Python raises for them
    (FileNotFoundError, PermissionError, IsADirectoryError, ...), with the same attributes.
    """

    code = None
    number = None
    category = None
    message = None
    detail = ""
    offset = None
    member = None
    member_index = None
    found = None
    expected = None
    limit = None
    filename = None
