#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes npyguard.1 (roff, man(7) macros) from the CLI's own --help texts.

The help texts are the one description of the command line; this script only lays them out, so
the man page cannot say something --help does not. Layout rules, matching how main.cpp writes
help: a line ending in ':' at column 0 is a section heading; a line indented by two spaces and
starting with '-' is an option, and the more-indented lines after it are its description; a
command table ("  check      validate ...") becomes a tagged list; anything else is running text.

Usage: make_manpage.py NPYGUARD_BINARY OUTPUT_FILE
"""
import re
import subprocess
import sys

COMMANDS = ("check", "inspect", "sanitize")
# An option line: two spaces, the option spelling, two or more spaces, its description (which
# may also start on the next line when the spelling is long).
OPTION = re.compile(r"^  (-\S.*?)(?:\s{2,}(\S.*))?$")
# A command-table line: two spaces, a lower-case word, two or more spaces, its description.
COMMAND_ROW = re.compile(r"^  ([a-z]+)\s{2,}(\S.*)$")
CONTINUATION = re.compile(r"^\s{3,}(\S.*)$")


def run(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def escape(text):
    """Roff-escapes running text: backslashes, hyphens (so they stay ASCII '-' in
    copy-and-paste), and a leading '.' or "'" that roff would take for a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def check_spelling(spelling, line):
    """An option's spelling is options and upper-case value names only ("-j, --jobs N",
    "--max-bytes N[K|M|G|T]"); a lower-case word means the help line put one space, not two,
    before its description, and the page would run them together."""
    for word in spelling.replace(",", " ").split():
        if not word.startswith("-") and any(c.islower() for c in word):
            sys.exit("make_manpage.py: option line needs two spaces before its text: %r" % line)


def render(help_text):
    """Converts one help text (without its Usage lines) to roff lines."""
    out = []
    in_list = False
    after_blank = False
    for line in help_text.splitlines():
        if not line.strip():
            after_blank = True
            continue
        blank, after_blank = after_blank, False
        if not line.startswith(" ") and line.endswith(":"):
            # A heading; the text before it (if any) ends there.
            out.append(".SS " + escape(line[:-1]))
            in_list = True
            continue
        option = OPTION.match(line)
        row = COMMAND_ROW.match(line) if not option else None
        continuation = CONTINUATION.match(line)
        if option and in_list:
            check_spelling(option.group(1).strip(), line)
            out.append(".TP")
            out.append("\\fB" + escape(option.group(1).strip()) + "\\fR")
            if option.group(2):
                out.append(escape(option.group(2)))
        elif row and in_list:
            out.append(".TP")
            out.append("\\fB" + escape(row.group(1)) + "\\fR")
            out.append(escape(row.group(2)))
        elif continuation and in_list:
            out.append(escape(continuation.group(1)))
        else:
            # Running text; after a blank line it starts a paragraph (and ends any list).
            if blank or in_list:
                out.append(".PP")
            in_list = False
            out.append(escape(line.strip()))
    # Collapse paragraph breaks that follow each other or a heading.
    tidy = []
    for line in out:
        if line == ".PP" and (not tidy or tidy[-1] == ".PP" or tidy[-1].startswith(".SS")):
            continue
        tidy.append(line)
    while tidy and tidy[-1] == ".PP":
        tidy.pop()
    return tidy


def split_usage(help_text):
    """Returns (usage lines without 'Usage: ', the rest)."""
    lines = help_text.splitlines()
    usage = []
    while lines and (lines[0].startswith("Usage: ") or lines[0].startswith("       ")):
        usage.append(lines.pop(0).replace("Usage: ", "", 1).strip())
    return usage, "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, output = sys.argv[1:]
    version = run(binary, "--version").splitlines()[0].split()[-1]
    main_usage, main_rest = split_usage(run(binary, "--help"))
    page = [
        '.TH NPYGUARD 1 "" "npyguard %s" "User Commands"' % version,
        ".SH NAME",
        "npyguard \\- validate, inspect and sanitize untrusted NumPy .npy and .npz files",
        ".SH SYNOPSIS",
    ]
    synopsis = [main_usage]
    limit_help = None
    sections = []
    for command in COMMANDS:
        usage, rest = split_usage(run(binary, "help", command))
        synopsis.append(usage)
        # Every command's help ends with the same limit options; the page prints them once.
        marker = rest.find("Limit options")
        if marker >= 0:
            limit_help = limit_help or rest[marker:]
            rest = rest[:marker]
        sections.append((command, rest))
    for usage in synopsis:
        for line in usage:
            page += [".br", "\\fB" + escape(line) + "\\fR"]
    page.append(".SH DESCRIPTION")
    page += render(main_rest)
    for command, rest in sections:
        page.append(".SH COMMAND: " + command.upper())
        page += render(rest)
    if limit_help:
        page.append(".SH LIMITS")
        page += render(limit_help)
    page += [
        ".SH SEE ALSO",
        "The README.md and SECURITY.md files of the npyguard sources (the header grammar,",
        "every limit and error code); docs/json\\-output.md for the JSON output.",
    ]
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
