// check's input list: operands, --files-from lists and --recursive walks. Files are judged by
// their content, so a walk takes every regular file whatever its name; only --include and
// --exclude filter on names, on purpose. Symbolic links: an explicit operand is followed like any
// path; inside a walk, a link to a regular file is checked (it is what a consumer opening that
// path would read), a link to a directory is never followed (no loop, no walk outside the tree)
// and is counted as skipped. FIFOs and devices found in a walk are skipped, because opening them
// can block forever.
#include "input_list.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

namespace npyguard::cli {
namespace {

namespace fs = std::filesystem;

// Bytes read from a --files-from list per read() call.
constexpr size_t kListChunkBytes = size_t{64} << 10;

void report_unreadable(Console& console, const std::string& path, std::string_view reason,
                       InputList& list) {
  console.err << "npyguard: " << printable(path) << ": " << reason << '\n';
  ++list.unreadable;
}

bool matches_any(const std::vector<std::string>& globs, const std::string& name) {
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
    return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
  });
}

// --include / --exclude on the file's own name (not its directories), as grep does.
bool selected(const Options& options, const fs::path& path) {
  const std::string name = path.filename().string();
  if (!options.include_globs.empty() && !matches_any(options.include_globs, name)) return false;
  return !matches_any(options.exclude_globs, name);
}

// One directory's identity, to notice a tree that reaches the same directory twice.
using DirId = std::pair<dev_t, ino_t>;

bool dir_id(const fs::path& dir, DirId& id) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

// Appends the files below `root` (a directory) to `found`, depth first with an explicit stack,
// so neither a deep tree nor a loop can exhaust the call stack.
void walk_directory(const fs::path& root, const Options& options, Console& console, InputList& list,
                    std::vector<std::string>& found) {
  std::set<DirId> visited;
  std::vector<fs::path> pending{root};
  while (!pending.empty()) {
    const fs::path dir = std::move(pending.back());
    pending.pop_back();
    DirId id{};
    if (dir_id(dir, id) && !visited.insert(id).second) {
      ++list.skipped.repeated_dirs;
      continue;
    }
    std::error_code error;
    fs::directory_iterator entries(dir, error);
    for (; !error && entries != fs::directory_iterator(); entries.increment(error)) {
      const fs::directory_entry& entry = *entries;
      std::error_code status_error;
      const fs::file_status own = entry.symlink_status(status_error);
      if (status_error) {
        ++list.skipped.broken_links;
        continue;
      }
      if (fs::is_directory(own)) {
        pending.push_back(entry.path());
        continue;
      }
      fs::file_status target = own;
      if (fs::is_symlink(own)) {
        target = entry.status(status_error);
        if (status_error || !fs::exists(target)) {
          ++list.skipped.broken_links;
          continue;
        }
        if (fs::is_directory(target)) {
          ++list.skipped.directory_links;
          continue;
        }
      }
      if (!fs::is_regular_file(target)) {
        ++list.skipped.not_regular;
      } else if (!selected(options, entry.path())) {
        ++list.skipped.filtered;
      } else {
        found.push_back(entry.path().string());
      }
    }
    if (error) {
      report_unreadable(console, dir.string(), "cannot read the directory: " + error.message(),
                        list);
    }
  }
}

void add_operand(const std::string& operand, const Options& options, Console& console,
                 InputList& list) {
  std::error_code error;
  if (!options.recursive || operand == kStdinName || !fs::is_directory(operand, error)) {
    list.paths.push_back(operand);
    return;
  }
  std::vector<std::string> found;
  walk_directory(operand, options, console, list, found);
  std::sort(found.begin(), found.end());
  list.paths.insert(list.paths.end(), std::make_move_iterator(found.begin()),
                    std::make_move_iterator(found.end()));
}

// Reads a whole list file ('-': standard input). False (reported) when it cannot be read.
bool read_list(const std::string& path, Console& console, InputList& list, std::string& text) {
  const bool from_stdin = path == kStdinName;
  const int fd = from_stdin ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    report_unreadable(console, path, std::string("cannot open the list: ") + std::strerror(errno),
                      list);
    return false;
  }
  std::array<char, kListChunkBytes> chunk{};
  bool ok = true;
  while (true) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      report_unreadable(console, path, std::string("cannot read the list: ") + std::strerror(errno),
                        list);
      ok = false;
    }
    if (got <= 0) break;
    text.append(chunk.data(), static_cast<size_t>(got));
  }
  if (!from_stdin) ::close(fd);
  return ok;
}

}  // namespace

InputList gather_inputs(const Options& options, Console& console) {
  InputList list;
  for (const std::string& operand : options.inputs) add_operand(operand, options, console, list);
  if (options.files_from) {
    std::string text;
    if (read_list(*options.files_from, console, list, text)) {
      const char separator = options.null_separated ? '\0' : '\n';
      std::string_view rest = text;
      while (!rest.empty()) {
        const size_t end = rest.find(separator);
        const std::string_view entry = rest.substr(0, end);
        // An empty entry (a blank line, a trailing separator) names nothing, and a listed '-'
        // is a file of that name, not standard input.
        if (entry == kStdinName) {
          add_operand("./-", options, console, list);
        } else if (!entry.empty()) {
          add_operand(std::string(entry), options, console, list);
        }
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
      }
    }
  }
  return list;
}

}  // namespace npyguard::cli
