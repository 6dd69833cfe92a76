// SPDX-License-Identifier: Apache-2.0
// check's input list: operands, --files-from lists and --recursive walks. Files are judged by
// their content, so a walk takes every regular file whatever its name; only --include and
// --exclude filter on names, on purpose. Symbolic links: an explicit operand is followed like any
// path; inside a walk, a link to a regular file is checked (it is what a consumer opening that
// path would read), a link to a directory is never followed (no loop, no walk outside the tree)
// and is counted as skipped. FIFOs and devices found in a walk are skipped, because opening them
// can block forever.
#include "input_list.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
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

void report_unreadable(Console& console, const std::string& path, const std::string& reason,
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
bool selected(const Options& options, const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (!options.include_globs.empty() && !matches_any(options.include_globs, name)) return false;
  return !matches_any(options.exclude_globs, name);
}

// One directory's identity, to notice a tree that reaches the same directory twice.
using DirId = std::pair<dev_t, ino_t>;

// The system's text for an errno, lower-cased to read like the rest of a message.
std::string errno_text(int error) {
  std::string text = std::error_code(error, std::generic_category()).message();
  if (text.size() >= 2 && std::isupper(static_cast<unsigned char>(text[0])) != 0 &&
      std::islower(static_cast<unsigned char>(text[1])) != 0) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

// A symbolic link whose target is missing, or a chain of links that never ends, is broken: a
// consumer opening it fails too. Any other failure to follow it (a directory on the way that
// cannot be searched) means the walk could not look, which must not pass as a skip.
bool is_broken_link_errno(int error) {
  return error == ENOENT || error == ENOTDIR || error == ELOOP;
}

// An open directory of the walk and the path that names it.
struct OpenDir {
  DIR* dir;
  std::string path;
};

std::string join(const std::string& dir, const char* name) {
  std::string path = dir;
  if (path.empty() || path.back() != '/') path += '/';
  return path + name;
}

// Classifies one directory entry (never following a link to a directory) and either records
// it, or opens it as a directory to walk. Returns the opened directory, or nullptr.
DIR* visit_entry(const OpenDir& parent, const char* name, const Options& options, Console& console,
                 InputList& list, std::vector<std::string>& found, std::set<DirId>& visited) {
  const int parent_fd = ::dirfd(parent.dir);
  const std::string path = join(parent.path, name);
  struct stat own {};
  if (::fstatat(parent_fd, name, &own, AT_SYMLINK_NOFOLLOW) != 0) {
    // Gone since it was listed: there is nothing left to check.
    if (errno != ENOENT) report_unreadable(console, path, errno_text(errno), list);
    return nullptr;
  }
  if (S_ISDIR(own.st_mode)) {
    // Opened relative to its parent and never through a link, so a directory swapped for a
    // link during the walk cannot lead it out of the tree.
    const int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      report_unreadable(console, path, "cannot read the directory: " + errno_text(errno), list);
      return nullptr;
    }
    struct stat opened {};
    if (::fstat(fd, &opened) == 0 && !visited.insert({opened.st_dev, opened.st_ino}).second) {
      ::close(fd);
      ++list.skipped.repeated_dirs;
      return nullptr;
    }
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      report_unreadable(console, path, "cannot read the directory: " + errno_text(errno), list);
      ::close(fd);
    }
    return dir;
  }
  struct stat target = own;
  if (S_ISLNK(own.st_mode)) {
    if (::fstatat(parent_fd, name, &target, 0) != 0) {
      if (is_broken_link_errno(errno)) {
        ++list.skipped.broken_links;
      } else {
        report_unreadable(console, path, "cannot follow the link: " + errno_text(errno), list);
      }
      return nullptr;
    }
    if (S_ISDIR(target.st_mode)) {
      ++list.skipped.directory_links;
      return nullptr;
    }
  }
  if (!S_ISREG(target.st_mode)) {
    ++list.skipped.not_regular;
  } else if (!selected(options, path)) {
    ++list.skipped.filtered;
  } else {
    found.push_back(path);
  }
  return nullptr;
}

// Appends the files below `root` (a directory) to `found`, depth first. One directory stream is
// open per level of the current path, so neither a deep tree nor a loop can exhaust the call
// stack; a tree deeper than the process may open files fails as unreadable, never as a pass.
void walk_directory(const std::string& root, const Options& options, Console& console,
                    InputList& list, std::vector<std::string>& found) {
  std::set<DirId> visited;
  std::vector<OpenDir> open;
  const int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* root_dir = root_fd < 0 ? nullptr : ::fdopendir(root_fd);
  if (root_dir == nullptr) {
    report_unreadable(console, root, "cannot read the directory: " + errno_text(errno), list);
    if (root_fd >= 0) ::close(root_fd);
    return;
  }
  struct stat root_stat {};
  if (::fstat(root_fd, &root_stat) == 0) visited.insert({root_stat.st_dev, root_stat.st_ino});
  open.push_back(OpenDir{root_dir, root});
  while (!open.empty()) {
    errno = 0;
    const dirent* entry = ::readdir(open.back().dir);
    if (entry == nullptr) {
      if (errno != 0) {
        report_unreadable(console, open.back().path,
                          "cannot read the directory: " + errno_text(errno), list);
      }
      ::closedir(open.back().dir);
      open.pop_back();
      continue;
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (DIR* child =
            visit_entry(open.back(), entry->d_name, options, console, list, found, visited)) {
      std::string path = join(open.back().path, entry->d_name);
      open.push_back(OpenDir{child, std::move(path)});
    }
  }
}

// `from_command_line`: the operand was given in argv (not read from a --files-from list).
void add_operand(const std::string& operand, bool from_command_line, const Options& options,
                 Console& console, InputList& list) {
  std::error_code error;
  if (!options.recursive || operand == kStdinName || !fs::is_directory(operand, error)) {
    list.inputs.push_back(ListedInput{.path = operand, .streams_allowed = from_command_line});
    return;
  }
  std::vector<std::string> found;
  walk_directory(operand, options, console, list, found);
  std::sort(found.begin(), found.end());
  for (std::string& path : found) {
    list.inputs.push_back(ListedInput{.path = std::move(path), .streams_allowed = false});
  }
}

// Reads a whole list file ('-': standard input). False (reported) when it cannot be read.
bool read_list(const std::string& path, Console& console, InputList& list, std::string& text) {
  const bool from_stdin = path == kStdinName;
  const int fd = from_stdin ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    report_unreadable(console, path, "cannot open the list: " + errno_text(errno), list);
    return false;
  }
  std::array<char, kListChunkBytes> chunk{};
  bool ok = true;
  while (true) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      report_unreadable(console, path, "cannot read the list: " + errno_text(errno), list);
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
  for (const std::string& operand : options.inputs) {
    add_operand(operand, /*from_command_line=*/true, options, console, list);
  }
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
          add_operand("./-", /*from_command_line=*/false, options, console, list);
        } else if (!entry.empty()) {
          add_operand(std::string(entry), /*from_command_line=*/false, options, console, list);
        }
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
      }
    }
  }
  return list;
}

}  // namespace npyguard::cli
