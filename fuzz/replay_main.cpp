// SPDX-License-Identifier: Apache-2.0
// Plain driver for fuzz targets when libFuzzer is not linked: runs LLVMFuzzerTestOneInput over
// every file named on the command line (directories are walked), so ctest replays the seed and
// regression corpora in every build, with any compiler. Input: paths from the build (trusted);
// the file contents go to the target as untrusted bytes.
//
// A missing path, an unreadable directory, or a directory without a single regular file fails
// the run (as zstd's regression_driver does): a corpus that moved or was never checked in would
// otherwise replay nothing and still pass.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

int run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot open %s\n", path.c_str());
    return 1;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 0;
}

// The regular files under `root`, sorted so runs replay in the same order; false (with a message)
// when the walk fails part way, since a partial walk would pass on a partial corpus.
bool collect_files(const fs::path& root, std::vector<fs::path>& paths) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) paths.push_back(it->path());
    if (type_ec) {
      ec = type_ec;
      break;
    }
  }
  if (ec) {
    std::fprintf(stderr, "replay: cannot walk %s: %s\n", root.c_str(), ec.message().c_str());
    return false;
  }
  std::sort(paths.begin(), paths.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <file-or-directory>...\n", argc > 0 ? argv[0] : "replay");
    return 2;
  }
  int failures = 0;
  size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path root(argv[i]);
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (status.type() == fs::file_type::not_found) {
      std::fprintf(stderr, "replay: %s does not exist\n", root.c_str());
      ++failures;
      continue;
    }
    if (ec) {
      std::fprintf(stderr, "replay: cannot stat %s: %s\n", root.c_str(), ec.message().c_str());
      ++failures;
      continue;
    }
    if (!fs::is_directory(status)) {
      failures += run_file(root);
      ++files;
      continue;
    }
    std::vector<fs::path> paths;
    if (!collect_files(root, paths)) {
      ++failures;
      continue;
    }
    if (paths.empty()) {
      std::fprintf(stderr, "replay: %s holds no input files\n", root.c_str());
      ++failures;
      continue;
    }
    for (const auto& path : paths) failures += run_file(path);
    files += paths.size();
  }
  std::printf("replayed %zu inputs\n", files);
  return failures == 0 ? 0 : 1;
}
