// SPDX-License-Identifier: Apache-2.0
// The npyguard commands. Input: options already parsed and checked by main.cpp, and paths or
// standard input whose contents are untrusted; output: text on the given streams and an exit code
// from the CLI contract. Each command is one function taking Options, defined in its own file
// (check.cpp, inspect.cpp, sanitize.cpp), so adding one means adding a function here, its file,
// and a row in main.cpp's command table.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "npyguard/npyguard.h"
#include "progress.h"
#include "text.h"  // printable(), for main.cpp too

namespace npyguard::cli {

// Exit codes: a scriptable contract (STYLE.md section 3), never renumbered.
inline constexpr int kExitOk = 0;        // every input accepted
inline constexpr int kExitRejected = 1;  // some input rejected (any category but Io)
inline constexpr int kExitUsage = 2;     // usage error, or an input that could not be read

// The operand that names standard input instead of a file.
inline constexpr std::string_view kStdinName = "-";

// sanitize: how the canonical copy may differ from the input.
struct SanitizeOptions {
  enum class Compression : uint8_t { Keep, Store, Deflate };
  bool native_endian = false;  // --native-endian / --little-endian: byte-swap to host order
  bool c_order = false;        // --c-order: rewrite Fortran-ordered data in C order
  bool in_place = false;       // --in-place: replace the input (atomically)
  Compression compression = Compression::Keep;  // --store / --deflate for .npz output
};

// Everything a command needs from the command line.
struct Options {
  Limits limits;
  SanitizeOptions sanitize;
  bool json = false;                // one JSON object per input instead of text
  bool quiet = false;               // print nothing for accepted inputs
  bool recursive = false;           // check: walk directories, taking every regular file
  unsigned jobs = 1;                // check: inputs validated in parallel (0: one per core)
  std::vector<std::string> inputs;  // paths, or kStdinName
  // check: walked files are taken when their name matches an include glob (or there is none)
  // and no exclude glob.
  std::vector<std::string> include_globs;
  std::vector<std::string> exclude_globs;
  std::optional<std::string> files_from;  // check: a file listing more inputs ('-': stdin)
  bool null_separated = false;            // check -0: the list is NUL-separated, not by lines
  ProgressMode progress = ProgressMode::Auto;
};

// Where commands write: normal results to `out`, failures to read an input to `err`.
struct Console {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  // standard error is a terminal (progress is drawn in place)
};

// Validates every input (.npy file or .npz archive) with bounded memory and prints one verdict
// per input.
int run_check(const Options& options, Console& console);
// Validates one input and prints everything known about it (format, dtype, fields).
int run_inspect(const Options& options, Console& console);
// Validates IN like check, then writes a canonical copy to OUT (or over IN with --in-place).
int run_sanitize(const Options& options, Console& console);

}  // namespace npyguard::cli
