// SPDX-License-Identifier: Apache-2.0
// npyguard command line: argv parsing, help and version, and dispatch to the commands. Input:
// argv (untrusted text from the caller; every number is parsed strictly, every member pattern is
// compiled before any input is read); output: the exit code contract of STYLE.md section 3
// (0 accepted, 1 rejected, 2 usage error or unreadable input).
// Nothing escapes as an exception: anything thrown becomes a message and exit 2.
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.h"
#include "npyguard/npyguard.h"

namespace npyguard::cli {
namespace {

constexpr std::string_view kProgram = "npyguard";
// More threads than this only costs memory: validation is bound by the disk and the cores.
constexpr unsigned kMaxJobs = 1024;

constexpr std::string_view kMainUsage =
    "Usage: npyguard <command> [options] FILE...\n"
    "\n"
    "Validate NumPy .npy files and .npz archives without trusting them: every header field,\n"
    "size, ZIP structure and payload byte is checked against explicit limits, and object\n"
    "(pickle) arrays are always refused. An .npz is recognised by its content, not its name.\n"
    "\n"
    "Commands:\n"
    "  check      validate files and print one verdict per file\n"
    "  inspect    validate one file and describe its format, dtype, shape and fields\n"
    "  sanitize   validate a file and write a canonical copy of it\n"
    "  help       show this help, or a command's help: npyguard help check\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "  --version    print the version\n"
    "\n"
    "Exit status: 0 every input accepted, 1 some input rejected,\n"
    "2 usage error or an input that could not be opened or read.\n"
    "Run 'npyguard <command> --help' for the options of a command.\n";

constexpr std::string_view kLimitOptionsHelp =
    "Limit options (defaults are safe for untrusted input):\n"
    "  --max-header-bytes N    longest header text accepted, in bytes (default 40000)\n"
    "  --max-header-chars N    longest header text accepted, in characters as NumPy's\n"
    "                          max_header_size counts them (default 10000)\n"
    "  --max-ndim N            most dimensions accepted (default 64)\n"
    "  --max-bytes N[K|M|G|T]  largest payload accepted; suffixes are powers of 1024\n"
    "                          (default 16G)\n"
    "  --max-dtype-depth N     deepest structured dtype nesting accepted (default 32)\n"
    "  --max-fields N          most structured fields in total accepted (default 4096)\n"
    "  --allow-trailing-data   accept bytes after the payload\n"
    "  --normalize-bool        accept bool bytes other than 0 and 1\n"
    "  --allow-invalid-unicode\n"
    "                          accept U strings with surrogates or code points > U+10FFFF\n"
    "  --no-fortran            refuse Fortran-ordered arrays\n"
    "  --no-big-endian         refuse big-endian types\n"
    "  --no-structured         refuse structured (record) dtypes\n"
    "  --strict-alignment      require the data to start on a 64-byte boundary\n"
    "\n"
    ".npz archive options:\n"
    "  --max-members N         most members accepted (default 10000)\n"
    "  --max-total-bytes N[K|M|G|T]\n"
    "                          largest sum of uncompressed member sizes accepted (default 64G)\n"
    "  --max-total-header-bytes N[K|M|G|T]\n"
    "                          largest sum of member header lengths accepted (default 8M)\n"
    "  --max-stdin-bytes N[K|M|G|T]\n"
    "                          longest archive read from standard input or a FIFO\n"
    "                          (default 1G)\n"
    "  --max-ratio N           largest uncompressed/compressed ratio of a deflate member\n"
    "                          (default 1100)\n"
    "  --max-amplification N   largest sum of uncompressed member sizes, as a multiple of\n"
    "                          the archive's own size (default 64; 0: the floor alone)\n"
    "  --amplification-floor N[K|M|G|T]\n"
    "                          sum of uncompressed member sizes accepted whatever the\n"
    "                          archive's size (default 1G)\n"
    "  --max-member-name-bytes N\n"
    "                          longest member name accepted (default 1024)\n"
    "  --member-pattern RE     accept only members whose whole name matches the RE2 pattern\n"
    "                          RE; repeatable, a name may match any of them\n"
    "  --skip-non-npy          skip members whose names do not end in .npy instead of\n"
    "                          refusing the archive\n"
    "\n"
    "Options may come before or after file names; '--' ends the options.\n"
    "Exit status: 0 every input accepted, 1 some input rejected,\n"
    "2 usage error or an input that could not be opened or read.\n";

constexpr std::string_view kCheckUsage =
    "Usage: npyguard check [options] FILE...\n"
    "       npyguard check [options] --files-from LIST [FILE...]\n"
    "\n"
    "Validate each FILE ('-' is standard input; a FIFO or process substitution is read as a\n"
    "stream) with bounded memory, without loading it, and print 'FILE: ok' or\n"
    "'FILE: rejected: <error>' on standard output. A file that cannot be opened or read is\n"
    "reported as 'npyguard: FILE: <reason>' on standard error. Every file is judged by its\n"
    "content, whatever its name: one that starts like a ZIP archive is an .npz and every .npy\n"
    "member is validated; an error inside a member names it, as in (member 'x.npy',\n"
    "offset N), with the offset counted from the start of the member's uncompressed bytes.\n"
    "\n"
    "Options:\n"
    "  --json        print one JSON object per file, one per line (JSON Lines)\n"
    "  -q, --quiet   print nothing for accepted files, and no progress line unless\n"
    "                --progress is given\n"
    "  -r, --recursive\n"
    "                check every regular file below each directory FILE, in sorted order.\n"
    "                Symbolic links to files are checked as the file they point to; links\n"
    "                to directories are not followed; FIFOs, sockets and devices found in\n"
    "                the walk are skipped. A summary goes to standard error at the end\n"
    "  --include GLOB, --exclude GLOB\n"
    "                in a walk, check only files whose name (not directory) matches an\n"
    "                --include GLOB, if any is given, and no --exclude GLOB; repeatable.\n"
    "                FILEs named on the command line are always checked\n"
    "  --files-from LIST\n"
    "                also check the paths in the file LIST ('-': standard input), one per\n"
    "                line; empty lines are ignored. A summary goes to standard error\n"
    "  -0, --null    the LIST is separated by NUL bytes, as 'find -print0' writes it\n"
    "  -j, --jobs N  check N files at a time (0: one per core; default 1); verdicts are\n"
    "                printed in the same order either way\n"
    "  --progress    show a progress line on standard error from the start, also when it\n"
    "                is not a terminal (then one line per second)\n"
    "  --no-progress\n"
    "                never show one (default: shown on a terminal after about a second)\n"
    "  -h, --help    show this help\n"
    "\n"
    "Short options may be bundled (-qr, -j2). A run that checks no file at all exits 2.\n"
    "\n";

constexpr std::string_view kInspectUsage =
    "Usage: npyguard inspect [options] FILE\n"
    "\n"
    "Validate FILE ('-' is standard input) like 'check' and describe it: format version,\n"
    "header size, data offset, descr, dtype, shape, order, element count, data size and,\n"
    "for structured dtypes, a table of fields. For an .npz archive: member count and total\n"
    "sizes, then for each member its name, method, sizes, CRC-32 and offset followed by the\n"
    "same description. A rejected file prints the same line as 'check'.\n"
    "\n"
    "Options:\n"
    "  --json        print one JSON object (with a nested \"fields\" array; for an .npz, a\n"
    "                \"members\" array of such objects)\n"
    "  -h, --help    show this help\n"
    "\n";

constexpr std::string_view kSanitizeUsage =
    "Usage: npyguard sanitize [options] IN OUT\n"
    "       npyguard sanitize --in-place [options] IN\n"
    "\n"
    "Validate IN exactly like 'check', then write a canonical copy to OUT: the same dtype,\n"
    "shape, order and values under the header NumPy's np.save writes, with nothing after the\n"
    "data. For an .npz, every .npy member is rewritten as '<key>.npy' into a fresh archive\n"
    "(skipped members are dropped). OUT is written atomically: it appears complete or not at\n"
    "all. A rejected IN writes nothing and prints the same line as 'check'.\n"
    "IN may be '-' (standard input) or a FIFO, read once as a stream under the same limits.\n"
    "OUT may be '-': the copy goes to standard output only once it is complete and has been\n"
    "read back, so 'npyguard sanitize - -' is a filter that writes nothing on refusal; the\n"
    "verdict then goes to standard error.\n"
    "\n"
    "Options:\n"
    "  --native-endian  byte-swap big-endian data to this machine's order\n"
    "  --little-endian  byte-swap to little-endian (refused on big-endian machines)\n"
    "  --c-order        rewrite Fortran-ordered arrays in C order\n"
    "  --store          write .npz members uncompressed (like numpy.savez)\n"
    "  --deflate        write .npz members with deflate (like numpy.savez_compressed)\n"
    "                   (default: deflate if any input member was deflated)\n"
    "  --in-place       replace IN itself (refused otherwise when OUT is IN)\n"
    "  --json           print one JSON object\n"
    "  -h, --help       show this help\n"
    "\n";

using CommandFn = int (*)(const Options&, Console&);

// A command's grammar: which options it takes and how many operands.
struct CommandSpec {
  std::string_view name;
  std::string_view usage;
  bool takes_quiet;
  bool takes_walk;  // -j/--jobs and -r/--recursive
  bool takes_sanitize;
  size_t min_inputs;
  size_t max_inputs;
  CommandFn run;
};

constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

const CommandSpec kCommands[] = {
    {.name = "check",
     .usage = kCheckUsage,
     .takes_quiet = true,
     .takes_walk = true,
     .takes_sanitize = false,
     .min_inputs = 1,
     .max_inputs = kUnbounded,
     .run = run_check},
    {.name = "inspect",
     .usage = kInspectUsage,
     .takes_quiet = false,
     .takes_walk = false,
     .takes_sanitize = false,
     .min_inputs = 1,
     .max_inputs = 1,
     .run = run_inspect},
    {.name = "sanitize",
     .usage = kSanitizeUsage,
     .takes_quiet = false,
     .takes_walk = false,
     .takes_sanitize = true,
     .min_inputs = 1,
     .max_inputs = 2,
     .run = run_sanitize},
};

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Limit options taking a number. Exactly one member pointer is set, matching the field's type.
struct NumberOption {
  std::string_view name;
  uint64_t Limits::*u64 = nullptr;
  uint32_t Limits::*u32 = nullptr;
  bool byte_suffixes = false;  // K, M, G, T as powers of 1024
};

const NumberOption kNumberOptions[] = {
    {.name = "--max-header-bytes", .u64 = &Limits::max_header_bytes},
    {.name = "--max-header-chars", .u64 = &Limits::max_header_chars},
    {.name = "--max-ndim", .u32 = &Limits::max_ndim},
    {.name = "--max-bytes", .u64 = &Limits::max_array_bytes, .byte_suffixes = true},
    {.name = "--max-dtype-depth", .u32 = &Limits::max_dtype_depth},
    {.name = "--max-fields", .u32 = &Limits::max_fields},
    {.name = "--max-members", .u32 = &Limits::max_members},
    {.name = "--max-total-bytes", .u64 = &Limits::max_total_uncompressed, .byte_suffixes = true},
    {.name = "--max-total-header-bytes",
     .u64 = &Limits::max_total_header_bytes,
     .byte_suffixes = true},
    {.name = "--max-stdin-bytes",
     .u64 = &Limits::max_streamed_archive_bytes,
     .byte_suffixes = true},
    {.name = "--max-ratio", .u32 = &Limits::max_compression_ratio},
    {.name = "--max-amplification", .u32 = &Limits::max_amplification_factor},
    {.name = "--amplification-floor",
     .u64 = &Limits::amplification_floor_bytes,
     .byte_suffixes = true},
    {.name = "--max-member-name-bytes", .u32 = &Limits::max_member_name_bytes},
};

// Limit options without a value: each sets one bool to a fixed value.
struct FlagOption {
  std::string_view name;
  bool Limits::*member;
  bool value;
};

const FlagOption kFlagOptions[] = {
    {"--allow-trailing-data", &Limits::allow_trailing_data, true},
    {"--normalize-bool", &Limits::normalize_bool, true},
    {"--allow-invalid-unicode", &Limits::allow_invalid_unicode, true},
    {"--no-fortran", &Limits::allow_fortran_order, false},
    {"--no-big-endian", &Limits::allow_big_endian, false},
    {"--no-structured", &Limits::allow_structured, false},
    {"--strict-alignment", &Limits::strict_alignment, true},
    {"--skip-non-npy", &Limits::skip_non_npy_members, true},
};

// The one option taking text: an RE2 pattern appended to Limits::member_patterns.
constexpr std::string_view kMemberPatternOption = "--member-pattern";

// Shift of each byte suffix: K = 2^10 ... T = 2^40.
constexpr unsigned kKibShift = 10;

std::optional<unsigned> suffix_shift(char suffix) {
  switch (suffix) {
    case 'K':
      return kKibShift;
    case 'M':
      return 2 * kKibShift;
    case 'G':
      return 3 * kKibShift;
    case 'T':
      return 4 * kKibShift;
    default:
      return std::nullopt;
  }
}

// Decimal digits only (no sign, no spaces, no base prefix), optionally followed by one byte
// suffix; nullopt on anything else or on overflow of 64 bits.
std::optional<uint64_t> parse_number(std::string_view text, bool byte_suffixes) {
  unsigned shift = 0;
  if (byte_suffixes && !text.empty()) {
    if (auto s = suffix_shift(text.back())) {
      shift = *s;
      text.remove_suffix(1);
    }
  }
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  if (shift != 0 && value > (std::numeric_limits<uint64_t>::max() >> shift)) return std::nullopt;
  return value << shift;
}

enum class ParseOutcome { Run, Help, UsageError };

struct ParsedArgs {
  ParseOutcome outcome = ParseOutcome::Run;
  Options options;
  std::string message;  // for UsageError
};

ParsedArgs usage_error(std::string message) {
  ParsedArgs parsed;
  parsed.outcome = ParseOutcome::UsageError;
  parsed.message = std::move(message);
  return parsed;
}

// Applies a numeric limit option; an error message, or empty on success.
std::string apply_number(const NumberOption& option, std::string_view value, Limits& limits) {
  const uint64_t max = option.u32 != nullptr ? std::numeric_limits<uint32_t>::max()
                                             : std::numeric_limits<uint64_t>::max();
  const std::optional<uint64_t> number = parse_number(value, option.byte_suffixes);
  if (!number || *number > max) {
    return "invalid value '" + printable(value) + "' for " + std::string(option.name) +
           ": expected an integer from 0 to " + std::to_string(max) +
           (option.byte_suffixes ? ", optionally followed by K, M, G or T (powers of 1024)" : "");
  }
  if (option.u32 != nullptr) {
    limits.*option.u32 = static_cast<uint32_t>(*number);
  } else {
    limits.*option.u64 = *number;
  }
  return {};
}

// One option after POSIX short-option splitting: its name ("-q", "--jobs") and the value written
// inside the same argument ("--jobs=2", "-j2"), if any.
struct Token {
  std::string text;
  std::optional<std::string> inline_value;
};

// Short options that take a value: the rest of the argument ("-j2") or the next one ("-j 2").
constexpr std::string_view kShortWithValue = "j";

// Splits one option argument into tokens: "--name=value" carries its value; "-qrj2" is "-q",
// "-r", "-j2" (bundled short options, as POSIX utilities read them; a value-taking option ends
// the bundle). Which options exist is decided later, per command.
std::vector<Token> split_option(std::string_view arg) {
  std::vector<Token> tokens;
  if (arg.substr(0, 2) == "--") {
    const size_t eq = arg.find('=');
    Token token{.text = std::string(arg.substr(0, eq))};
    if (eq != std::string_view::npos) token.inline_value = std::string(arg.substr(eq + 1));
    tokens.push_back(std::move(token));
    return tokens;
  }
  for (size_t k = 1; k < arg.size(); ++k) {
    Token token{.text = std::string{'-', arg[k]}};
    const bool takes_value = kShortWithValue.find(arg[k]) != std::string_view::npos;
    if (takes_value && k + 1 < arg.size()) token.inline_value = std::string(arg.substr(k + 1));
    tokens.push_back(std::move(token));
    if (takes_value) break;
  }
  return tokens;
}

// Applies one option to `options`: nullopt to go on, or the outcome that ends parsing (a usage
// error, or help). `i` indexes `args` and moves past a value taken from the next argument.
std::optional<ParsedArgs> apply_option(const CommandSpec& spec, const Token& token,
                                       const std::vector<std::string_view>& args, size_t& i,
                                       Options& options) {
  const std::string_view name = token.text;
  const std::optional<std::string_view> inline_value =
      token.inline_value ? std::optional<std::string_view>(*token.inline_value) : std::nullopt;
  const auto takes_no_value = [&]() -> std::optional<ParsedArgs> {
    if (inline_value) return usage_error("option " + printable(name) + " takes no value");
    return std::nullopt;
  };
  // The value of an option that takes one: inline, or the next argument whatever it holds.
  const auto take_value = [&]() -> std::optional<std::string_view> {
    if (inline_value) return *inline_value;
    if (i + 1 < args.size()) return args[++i];
    return std::nullopt;
  };

  if (name == "-h" || name == "--help") {
    if (auto error = takes_no_value()) return *error;
    ParsedArgs help;
    help.outcome = ParseOutcome::Help;
    return help;
  }
  if (name == "--json") {
    if (auto error = takes_no_value()) return *error;
    options.json = true;
    return std::nullopt;
  }
  if (spec.takes_quiet && (name == "-q" || name == "--quiet")) {
    if (auto error = takes_no_value()) return *error;
    options.quiet = true;
    return std::nullopt;
  }
  if (spec.takes_walk && (name == "-r" || name == "--recursive")) {
    if (auto error = takes_no_value()) return *error;
    options.recursive = true;
    return std::nullopt;
  }
  if (spec.takes_walk && (name == "--include" || name == "--exclude")) {
    const std::optional<std::string_view> value = take_value();
    if (!value) return usage_error("option " + std::string(name) + " needs a GLOB");
    (name == "--include" ? options.include_globs : options.exclude_globs).emplace_back(*value);
    return std::nullopt;
  }
  if (spec.takes_walk && name == "--files-from") {
    const std::optional<std::string_view> value = take_value();
    if (!value) return usage_error("option " + std::string(name) + " needs a FILE");
    if (options.files_from) return usage_error("--files-from may be given only once");
    options.files_from = std::string(*value);
    return std::nullopt;
  }
  if (spec.takes_walk && (name == "-0" || name == "--null")) {
    if (auto error = takes_no_value()) return *error;
    options.null_separated = true;
    return std::nullopt;
  }
  if (spec.takes_walk && (name == "--progress" || name == "--no-progress")) {
    if (auto error = takes_no_value()) return *error;
    options.progress = name == "--progress" ? ProgressMode::Always : ProgressMode::Never;
    return std::nullopt;
  }
  if (spec.takes_walk && (name == "-j" || name == "--jobs")) {
    const std::optional<std::string_view> value = take_value();
    if (!value) return usage_error("option " + std::string(name) + " needs a value");
    unsigned jobs = 0;
    const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), jobs);
    if (ec != std::errc() || end != value->data() + value->size() || jobs > kMaxJobs) {
      return usage_error("invalid value '" + printable(*value) + "' for " + std::string(name) +
                         ": expected 0 (one per core) to " + std::to_string(kMaxJobs));
    }
    options.jobs = jobs;
    return std::nullopt;
  }
  if (spec.takes_sanitize) {
    bool sanitize_flag = true;
    SanitizeOptions& sanitize = options.sanitize;
    if (name == "--native-endian") {
      sanitize.native_endian = true;
    } else if (name == "--little-endian") {
      if (std::endian::native != std::endian::little) {
        return usage_error("--little-endian is only available on little-endian machines");
      }
      sanitize.native_endian = true;
    } else if (name == "--c-order") {
      sanitize.c_order = true;
    } else if (name == "--in-place") {
      sanitize.in_place = true;
    } else if (name == "--store") {
      sanitize.compression = SanitizeOptions::Compression::Store;
    } else if (name == "--deflate") {
      sanitize.compression = SanitizeOptions::Compression::Deflate;
    } else {
      sanitize_flag = false;
    }
    if (sanitize_flag) {
      if (auto error = takes_no_value()) return *error;
      return std::nullopt;
    }
  }
  if (name == kMemberPatternOption) {
    const std::optional<std::string_view> value = take_value();
    if (!value) return usage_error("option " + std::string(name) + " needs a value");
    std::string pattern(*value);
    if (!validate_member_patterns(std::span(&pattern, 1)).ok()) {
      return usage_error("invalid value '" + printable(pattern) + "' for " + std::string(name) +
                         ": expected an RE2 pattern");
    }
    options.limits.member_patterns.push_back(std::move(pattern));
    return std::nullopt;
  }
  bool matched = false;
  for (const FlagOption& flag : kFlagOptions) {
    if (name != flag.name) continue;
    if (auto error = takes_no_value()) return *error;
    options.limits.*flag.member = flag.value;
    matched = true;
    break;
  }
  if (matched) return std::nullopt;
  for (const NumberOption& number : kNumberOptions) {
    if (name != number.name) continue;
    const std::optional<std::string_view> value = take_value();
    if (!value) return usage_error("option " + std::string(name) + " needs a value");
    if (std::string error = apply_number(number, *value, options.limits); !error.empty()) {
      return usage_error(error);
    }
    matched = true;
    break;
  }
  if (matched) return std::nullopt;
  return usage_error("unknown option '" + printable(name) + "'");
}

// Parses the arguments after the command name. Options and operands may be mixed; "--" ends the
// options and a lone "-" is an operand (standard input).
ParsedArgs parse_command_args(const CommandSpec& spec, const std::vector<std::string_view>& args) {
  ParsedArgs parsed;
  Options& options = parsed.options;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      options.inputs.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    for (const Token& token : split_option(arg)) {
      if (std::optional<ParsedArgs> stop = apply_option(spec, token, args, i, options)) {
        return *stop;
      }
    }
  }

  if (spec.takes_sanitize) {
    const size_t wanted = options.sanitize.in_place ? 1 : 2;
    if (options.inputs.size() != wanted) {
      return usage_error(options.sanitize.in_place ? "--in-place takes exactly one FILE"
                                                   : "expected IN and OUT");
    }
    if (options.sanitize.in_place && options.inputs.front() == kStdinName) {
      return usage_error("--in-place replaces a file; standard input cannot be replaced");
    }
  }
  if (spec.takes_walk) {
    if (options.null_separated && !options.files_from) {
      return usage_error("-0 describes the --files-from list; give --files-from too");
    }
    const bool list_from_stdin = options.files_from && *options.files_from == kStdinName;
    if (list_from_stdin && std::find(options.inputs.begin(), options.inputs.end(), kStdinName) !=
                               options.inputs.end()) {
      return usage_error("standard input cannot be both the --files-from list and a FILE");
    }
  }
  const size_t min_inputs = options.files_from ? 0 : spec.min_inputs;
  if (options.inputs.size() < min_inputs) {
    return usage_error(spec.min_inputs == 1 && spec.max_inputs == 1 ? "expected one FILE"
                                                                    : "no input files");
  }
  if (options.inputs.size() > spec.max_inputs) {
    return usage_error("expected at most " + std::to_string(spec.max_inputs) + " FILE, got " +
                       std::to_string(options.inputs.size()));
  }
  if (Status valid = options.limits.validate(); !valid.ok()) {
    return usage_error("inconsistent limits: " + describe(valid.error()));
  }
  return parsed;
}

void print_command_help(std::ostream& out, const CommandSpec& spec) {
  out << spec.usage << kLimitOptionsHelp;
}

int run(const std::vector<std::string_view>& args) {
  Console console{std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1};
  if (args.empty()) {
    std::cerr << kProgram << ": no command given\n\n" << kMainUsage;
    return kExitUsage;
  }
  const std::string_view first = args.front();
  if (first == "-h" || first == "--help") {
    std::cout << kMainUsage;
    return kExitOk;
  }
  if (first == "--version") {
    // The library's own report (build_info()), so a shared libnpyguard says what it was built
    // with, not what this binary's headers were.
    const npyguard::BuildInfo info = npyguard::build_info();
    std::cout << kProgram << ' ' << info.version << '\n'
              << "zlib " << info.zlib_runtime << " (built with " << info.zlib_header << ")\n"
              << "libdeflate " << info.libdeflate << '\n'
              << "re2 " << info.re2 << '\n';
    return kExitOk;
  }
  if (first == "help") {
    if (args.size() == 1) {
      std::cout << kMainUsage;
      return kExitOk;
    }
    if (args.size() > 2) {
      std::cerr << kProgram << ": help: too many arguments\n\n" << kMainUsage;
      return kExitUsage;
    }
    if (const CommandSpec* spec = find_command(args[1]); spec != nullptr) {
      print_command_help(std::cout, *spec);
      return kExitOk;
    }
    std::cerr << kProgram << ": help: unknown command '" << printable(args[1]) << "'\n\n"
              << kMainUsage;
    return kExitUsage;
  }
  const CommandSpec* spec = find_command(first);
  if (spec == nullptr) {
    std::cerr << kProgram << ": unknown command '" << printable(first) << "'\n\n" << kMainUsage;
    return kExitUsage;
  }
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  const ParsedArgs parsed = parse_command_args(*spec, rest);
  switch (parsed.outcome) {
    case ParseOutcome::Help:
      print_command_help(std::cout, *spec);
      return kExitOk;
    case ParseOutcome::UsageError:
      std::cerr << kProgram << ' ' << spec->name << ": " << parsed.message << "\n"
                << "Try 'npyguard " << spec->name << " --help' for more information.\n";
      return kExitUsage;
    case ParseOutcome::Run:
      break;
  }
  return spec->run(parsed.options, console);
}

}  // namespace
}  // namespace npyguard::cli

int main(int argc, char** argv) {
  namespace cli = npyguard::cli;
  // A reader that goes away (| head) makes writes fail with EPIPE instead of killing the process,
  // so a write failure is reported and temporary files are removed on the way out.
  (void)std::signal(SIGPIPE, SIG_IGN);  // cannot fail for a valid signal number
  try {
    // The one place argv is walked: everything after it sees string_views.
    const std::span<char*> argument_pointers(argv, argc > 0 ? static_cast<size_t>(argc) : 0);
    std::vector<std::string_view> args;
    for (char* arg : argument_pointers.subspan(argument_pointers.empty() ? 0 : 1)) {
      args.emplace_back(arg);
    }
    const int code = cli::run(args);
    // A verdict that never reached its reader is not a verdict: report a failed write.
    std::cout.flush();
    if (!std::cout) {
      std::cerr << cli::kProgram << ": error writing to standard output\n";
      return cli::kExitUsage;
    }
    return code;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << cli::kProgram << ": internal error: " << e.what() << '\n';
    return cli::kExitUsage;
  } catch (...) {
    std::cout.flush();
    std::cerr << cli::kProgram << ": internal error\n";
    return cli::kExitUsage;
  }
}
