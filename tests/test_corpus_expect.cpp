// SPDX-License-Identifier: Apache-2.0
// Golden outcomes: every corpus/expect/pass_* file must load completely, and every
// corpus/expect/fail_<error_name>__* file must be refused with exactly that code, both from memory
// and from a file path, with default limits. .npy and .npz are told apart by content.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "npyguard/npy.h"
#include "npyguard/npz.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

const std::filesystem::path kExpectDir =
    std::filesystem::path(NPYGUARD_SOURCE_DIR) / "corpus/expect";

// Loads everything in the input; returns the first error, or an Ok status.
Status load_everything_from_memory(const Bytes& bytes) {
  if (looks_like_npz(bytes)) {
    NPYGUARD_ASSIGN_OR_RETURN(NpzArchive archive, NpzArchive::open(bytes));
    NPYGUARD_TRY(archive.validate_all());
    for (size_t i = 0; i < archive.members().size(); ++i) {
      if (archive.members()[i].skipped) continue;
      NPYGUARD_TRY(archive.read(i));
    }
    return ok_status();
  }
  NPYGUARD_TRY(read_npy(bytes));
  return ok_status();
}

Status load_everything_from_file(const std::string& path, const Bytes& bytes) {
  if (looks_like_npz(bytes)) {
    NPYGUARD_ASSIGN_OR_RETURN(NpzArchive archive, NpzArchive::open_file(path));
    NPYGUARD_TRY(archive.validate_all());
    return ok_status();
  }
  NPYGUARD_TRY(validate_npy_file(path));
  NPYGUARD_TRY(read_npy_file(path));
  return ok_status();
}

}  // namespace

TEST_CASE("corpus/expect outcomes", "[corpus][regression]") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kExpectDir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("pass_", 0) == 0 || name.rfind("fail_", 0) == 0) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 20);
  size_t passes = 0;
  for (const auto& path : files) {
    const std::string name = path.filename().string();
    INFO(name);
    const Bytes bytes = read_file(path.string());
    const Status memory = load_everything_from_memory(bytes);
    const Status file = load_everything_from_file(path.string(), bytes);
    if (name.rfind("pass_", 0) == 0) {
      ++passes;
      if (!memory.ok()) FAIL(describe(memory.error()));
      if (!file.ok()) FAIL(describe(file.error()));
      continue;
    }
    const size_t end = name.find("__");
    REQUIRE(end != std::string::npos);
    const std::string expected = name.substr(5, end - 5);
    REQUIRE_FALSE(memory.ok());
    CHECK(error_name(memory.error().code) == expected);
    REQUIRE_FALSE(file.ok());
    CHECK(error_name(file.error().code) == expected);
  }
  CHECK(passes >= 3);
}
