// SPDX-License-Identifier: Apache-2.0
// Writer: .npy bytes identical to np.save for every NumPy-written fixture, write -> read round
// trips for random dtype trees and shapes, .npz archives the strict reader accepts (stored,
// deflate, ZIP64 end records), and atomic writes that leave the target untouched on failure.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "npyguard/npz.h"
#include "npyguard/writer.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

const std::filesystem::path kFixtureDir =
    std::filesystem::path(NPYGUARD_SOURCE_DIR) / "tests/fixtures/npy";

// Files whose header NumPy's np.save would not write as is: hand-made legacy headers and files
// written with an explicitly forced version.
bool written_by_plain_np_save(const std::string& name) {
  return name.rfind("legacy_", 0) != 0 && name != "version_2_0.npy" && name != "version_3_0.npy";
}

Limits lenient() {
  Limits limits;
  limits.max_header_bytes = 1 << 20;
  limits.max_header_chars = 1 << 20;
  limits.max_fields = 100000;
  limits.normalize_bool = true;
  limits.allow_invalid_unicode = true;
  return limits;
}

}  // namespace

TEST_CASE("written .npy files are byte-identical to np.save", "[writer]") {
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtureDir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".npy" || !written_by_plain_np_save(name)) continue;
    INFO(name);
    const Bytes original = read_file(entry.path().string());
    auto array = read_npy(original, lenient());
    if (!array.ok()) FAIL(describe(array.error()));
    auto written = encode_npy(array_ref(*array));
    REQUIRE(written.ok());
    CHECK(*written == original);
    ++compared;
  }
  CHECK(compared >= 100);
}

TEST_CASE("header framing follows NumPy's version choice", "[writer]") {
  DType f8{.kind = DTypeKind::Float, .byte_order = ByteOrder::Little, .itemsize = 8};
  const std::vector<uint64_t> shape = {3};
  auto header = encode_npy_header(f8, shape, false);
  REQUIRE(header.ok());
  CHECK(header->size() % 64 == 0);
  CHECK(static_cast<uint8_t>((*header)[6]) == 1);
  CHECK(header->back() == std::byte{'\n'});
  // A field name outside latin-1 forces 3.0.
  DType record{.kind = DTypeKind::Structured, .itemsize = 8};
  record.fields.push_back(Field{.name = "\xe5\x90\x8d", .dtype = f8, .size = 8});
  auto v3 = encode_npy_header(record, shape, false);
  REQUIRE(v3.ok());
  CHECK(static_cast<uint8_t>((*v3)[6]) == 3);
  // An 85 KB header does not fit 1.0's u16 length: 2.0.
  for (int i = 1; i < 5000; ++i) {
    record.fields.push_back(Field{.name = "f" + std::to_string(i),
                                  .offset = 8u * static_cast<unsigned>(i),
                                  .dtype = f8,
                                  .size = 8});
  }
  record.itemsize = 8 * 5000;
  auto v2 = encode_npy_header(record, shape, false);
  REQUIRE(v2.ok());
  CHECK(static_cast<uint8_t>((*v2)[6]) == 3);  // still non-latin-1 because of the first name
  record.fields[0].name = "e";
  auto v2_latin = encode_npy_header(record, shape, false);
  REQUIRE(v2_latin.ok());
  CHECK(static_cast<uint8_t>((*v2_latin)[6]) == 2);
  // The size must match the shape.
  const Bytes too_short(16);
  const ArrayRef wrong{.dtype = &f8, .shape = shape, .bytes = too_short};
  CHECK(encode_npy(wrong).error().code == ErrorCode::ArraySizeMismatch);
}

namespace {

// A random dtype tree: simple leaves of every kind, records, subarrays, padding gaps.
DType random_dtype(std::mt19937_64& rng, int depth) {
  auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  const uint64_t choice = pick(depth < 3 ? 12 : 10);
  DType dt;
  const ByteOrder order = pick(2) ? ByteOrder::Little : ByteOrder::Big;
  switch (choice) {
    case 0:
      dt = {.kind = DTypeKind::Bool, .itemsize = 1};
      break;
    case 1:
      dt = {.kind = DTypeKind::SignedInt, .byte_order = order, .itemsize = uint64_t{1} << pick(4)};
      break;
    case 2:
      dt = {
          .kind = DTypeKind::UnsignedInt, .byte_order = order, .itemsize = uint64_t{1} << pick(4)};
      break;
    case 3:
      dt = {.kind = DTypeKind::Float, .byte_order = order, .itemsize = uint64_t{2} << pick(3)};
      break;
    case 4:
      dt = {.kind = DTypeKind::Complex, .byte_order = order, .itemsize = uint64_t{8} << pick(2)};
      break;
    case 5:
      dt = {.kind = DTypeKind::Bytes, .itemsize = pick(6)};
      break;
    case 6:
      dt = {.kind = DTypeKind::Unicode, .byte_order = order, .itemsize = 4 * (1 + pick(3))};
      break;
    case 7:
      dt = {.kind = DTypeKind::Void, .itemsize = 1 + pick(5)};
      break;
    case 8:
      dt = {.kind = DTypeKind::Datetime,
            .byte_order = order,
            .itemsize = 8,
            .unit = DatetimeUnit::Nanosecond,
            .unit_multiplier = static_cast<uint32_t>(1 + pick(3))};
      break;
    case 9:
      dt = {.kind = DTypeKind::Timedelta,
            .byte_order = order,
            .itemsize = 8,
            .unit = DatetimeUnit::Second};
      break;
    default: {
      dt.kind = DTypeKind::Structured;
      uint64_t offset = 0;
      const uint64_t fields = 1 + pick(4);
      for (uint64_t i = 0; i < fields; ++i) {
        Field field;
        field.name = "f" + std::to_string(i) + (pick(4) == 0 ? "\xc3\xa9" : "");
        if (pick(5) == 0) field.title = "t" + std::to_string(i);
        offset += pick(3);  // a padding gap
        field.offset = offset;
        field.dtype = random_dtype(rng, depth + 1);
        // NumPy has no subarray of a type of size 0 that is not a record (|S0, its reader
        // refuses one), so neither does a dtype written for it.
        const bool sized = field.dtype.itemsize > 0 || field.dtype.kind == DTypeKind::Structured;
        if (pick(3) == 0 && sized) field.shape = {1 + pick(3), 1 + pick(2)};
        field.count = field.shape.empty() ? 1 : field.shape[0] * field.shape[1];
        field.size = field.dtype.itemsize * field.count;
        offset += field.size;
        dt.fields.push_back(std::move(field));
      }
      dt.itemsize = offset + pick(3);  // trailing padding
    }
  }
  if (dt.itemsize == 1 && dt.kind != DTypeKind::Structured)
    dt.byte_order = ByteOrder::NotApplicable;
  return dt;
}

}  // namespace

TEST_CASE("write -> read round trips for random dtype trees and shapes", "[writer]") {
  std::mt19937_64 rng(20261125);
  for (int iteration = 0; iteration < 300; ++iteration) {
    const DType dtype = random_dtype(rng, 0);
    std::vector<uint64_t> shape(rng() % 4);
    for (auto& dim : shape) dim = rng() % 4;
    const bool fortran = rng() % 2 == 0;
    uint64_t count = 1;
    for (uint64_t dim : shape) count *= dim;
    Bytes payload(count * dtype.itemsize);
    for (auto& b : payload) b = static_cast<std::byte>(rng() & 0x7F);
    const ArrayRef ref{.dtype = &dtype, .shape = shape, .fortran_order = fortran, .bytes = payload};
    auto first = encode_npy(ref);
    REQUIRE(first.ok());
    INFO(dtype.descr());
    // Random bytes are made valid (bools 0/1) by the lenient read; from then on it is a fixpoint.
    auto read = read_npy(*first, lenient());
    if (!read.ok()) FAIL(describe(read.error()));
    CHECK(read->dtype() == dtype);
    CHECK(read->shape() == shape);
    CHECK(read->fortran_order() == fortran);
    auto second = encode_npy(array_ref(*read));
    REQUIRE(second.ok());
    auto reread = read_npy(*second, lenient());
    REQUIRE(reread.ok());
    auto third = encode_npy(array_ref(*reread));
    REQUIRE(third.ok());
    CHECK(*third == *second);
    CHECK(reread->info().descr() == dtype.descr());
  }
}

TEST_CASE("written .npz archives pass the strict reader", "[writer][npz]") {
  DType f8{.kind = DTypeKind::Float, .byte_order = ByteOrder::Little, .itemsize = 8};
  DType u1{.kind = DTypeKind::UnsignedInt, .itemsize = 1};
  const std::vector<uint64_t> shape_a = {2, 3};
  const std::vector<uint64_t> shape_b = {1000};
  Bytes a(48), b(1000);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::byte>(i);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::byte>(i % 7);
  const std::vector<NpzWriteMember> members = {
      {.key = "a", .array = {.dtype = &f8, .shape = shape_a, .bytes = a}},
      {.key = "b\xc3\xa9t\xc3\xa9", .array = {.dtype = &u1, .shape = shape_b, .bytes = b}},
  };
  for (auto compression : {NpzCompression::Stored, NpzCompression::Deflate}) {
    auto archive_bytes = encode_npz(members, {.compression = compression});
    REQUIRE(archive_bytes.ok());
    auto archive = NpzArchive::open(*archive_bytes);
    if (!archive.ok()) FAIL(describe(archive.error()));
    REQUIRE(archive->members().size() == 2);
    CHECK(archive->members()[1].name == "b\xc3\xa9t\xc3\xa9.npy");
    CHECK(archive->validate_all().ok());
    auto read_b = archive->read("b\xc3\xa9t\xc3\xa9");
    REQUIRE(read_b.ok());
    CHECK(std::equal(read_b->bytes().begin(), read_b->bytes().end(), b.begin(), b.end()));
    if (compression == NpzCompression::Deflate) {
      CHECK(archive->members()[1].compressed_size < archive->members()[1].uncompressed_size);
    }
  }
  const std::vector<NpzWriteMember> duplicate = {members[0], members[0]};
  CHECK(encode_npz(duplicate).error().code == ErrorCode::ZipDuplicateName);
  const std::vector<NpzWriteMember> unsafe = {{.key = "../evil", .array = members[0].array}};
  CHECK(encode_npz(unsafe).error().code == ErrorCode::ZipUnsafeName);
  CHECK(encode_npz({}).ok());
  CHECK(NpzArchive::open(*encode_npz({})).ok());
}

TEST_CASE("force_zip64 writes ZIP64 records the strict reader cross-checks", "[writer][npz]") {
  DType i4{.kind = DTypeKind::SignedInt, .byte_order = ByteOrder::Big, .itemsize = 4};
  const std::vector<uint64_t> shape = {3, 5};
  Bytes payload(60);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>(i * 11);
  const std::vector<NpzWriteMember> members = {
      {.key = "first", .array = {.dtype = &i4, .shape = shape, .bytes = payload}},
      {.key = "second", .array = {.dtype = &i4, .shape = shape, .bytes = payload}},
  };
  for (auto compression : {NpzCompression::Stored, NpzCompression::Deflate}) {
    auto plain = encode_npz(members, {.compression = compression});
    auto forced = encode_npz(members, {.compression = compression, .force_zip64 = true});
    REQUIRE(plain.ok());
    REQUIRE(forced.ok());
    const auto count = [](const Bytes& bytes, std::string_view signature) {
      size_t n = 0;
      for (size_t i = 0; i + signature.size() <= bytes.size(); ++i) {
        n += std::equal(signature.begin(), signature.end(),
                        bytes.begin() + static_cast<std::ptrdiff_t>(i),
                        [](char c, std::byte b) { return static_cast<std::byte>(c) == b; });
      }
      return n;
    };
    // End record, locator and one ZIP64 extra (id 0x0001, 16 bytes) per local header and one
    // (24 bytes: both sizes and the offset) per central header.
    CHECK(count(*plain, std::string_view("PK\x06\x06", 4)) == 0);
    CHECK(count(*forced, std::string_view("PK\x06\x06", 4)) == 1);
    CHECK(count(*forced, std::string_view("PK\x06\x07", 4)) == 1);
    CHECK(count(*forced, std::string_view("\x01\x00\x10\x00", 4)) == 2);
    CHECK(count(*forced, std::string_view("\x01\x00\x18\x00", 4)) == 2);
    auto archive = NpzArchive::open(*forced);
    if (!archive.ok()) FAIL(describe(archive.error()));
    REQUIRE(archive->members().size() == 2);
    for (const NpzMember& member : archive->members()) {
      auto array = archive->read(member.key);
      REQUIRE(array.ok());
      CHECK(
          std::equal(array->bytes().begin(), array->bytes().end(), payload.begin(), payload.end()));
    }
    // Same members, same order: the forced archive differs only by its ZIP64 records.
    const auto plain_archive = NpzArchive::open(*plain);
    REQUIRE(plain_archive.ok());
    CHECK(plain_archive->members()[1].crc32 == archive->members()[1].crc32);
  }
}

TEST_CASE("npz files are written atomically, options are checked first", "[writer][npz]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("npyguard_npzw_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string target = (dir / "out.npz").string();
  DType u2{.kind = DTypeKind::UnsignedInt, .byte_order = ByteOrder::Little, .itemsize = 2};
  const std::vector<uint64_t> shape = {4};
  const Bytes payload = {std::byte{1}, std::byte{0}, std::byte{2}, std::byte{0},
                         std::byte{3}, std::byte{0}, std::byte{4}, std::byte{0}};
  const std::vector<NpzWriteMember> members = {
      {.key = "x", .array = {.dtype = &u2, .shape = shape, .bytes = payload}}};

  CHECK(encode_npz(members, {.compression = NpzCompression::Deflate, .level = 0}).error().code ==
        ErrorCode::InvalidLimits);
  CHECK(write_npz_file(target, members, {.compression = NpzCompression::Deflate, .level = 10})
            .error()
            .code == ErrorCode::InvalidLimits);
  CHECK_FALSE(std::filesystem::exists(target));

  REQUIRE(write_npz_file(target, members, {.compression = NpzCompression::Deflate}).ok());
  auto archive = NpzArchive::open_file(target);
  REQUIRE(archive.ok());
  CHECK(archive->members().at(0).name == "x.npy");
  CHECK(archive->validate_all().ok());

  // A writer moved from one variable to another still owns its temporary file; add and commit
  // after commit are refused; nothing appears before commit.
  auto created = NpzFileWriter::create((dir / "streamed.npz").string());
  REQUIRE(created.ok());
  NpzFileWriter writer = std::move(created).value();
  auto other = NpzFileWriter::create((dir / "unused.npz").string());
  REQUIRE(other.ok());
  writer = std::move(other).value();
  REQUIRE(writer.add(members[0]).ok());
  CHECK_FALSE(std::filesystem::exists(dir / "unused.npz"));
  REQUIRE(writer.commit().ok());
  CHECK(writer.add(members[0]).error().code == ErrorCode::WriterCommitted);
  CHECK(writer.commit().error().code == ErrorCode::WriterCommitted);
  CHECK(NpzArchive::open_file((dir / "unused.npz").string()).ok());
  // A second member under a taken key is refused, and the writer stays failed.
  {
    auto duplicated = NpzFileWriter::create((dir / "duplicated.npz").string());
    REQUIRE(duplicated.ok());
    REQUIRE(duplicated->add(members[0]).ok());
    CHECK(duplicated->add(members[0]).error().code == ErrorCode::ZipDuplicateName);
    CHECK(duplicated->commit().error().code == ErrorCode::WriterFailed);
  }
  // The writer replaced by the assignment discarded its temporary file.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"out.npz", "unused.npz"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("more than 65,534 members get a ZIP64 end record", "[writer][npz]") {
  DType u1{.kind = DTypeKind::UnsignedInt, .itemsize = 1};
  const std::vector<uint64_t> shape = {0};
  std::vector<NpzWriteMember> members;
  for (int i = 0; i < 65540; ++i) {
    members.push_back({.key = "m" + std::to_string(i), .array = {.dtype = &u1, .shape = shape}});
  }
  auto bytes = encode_npz(members);
  REQUIRE(bytes.ok());
  Limits limits;
  limits.max_members = 70000;
  auto archive = NpzArchive::open(*bytes, limits);
  if (!archive.ok()) FAIL(describe(archive.error()));
  CHECK(archive->members().size() == 65540);
}

TEST_CASE("atomic writes leave the target untouched when writing fails", "[writer]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("npyguard_atomic_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string target = (dir / "out.npy").string();
  { std::ofstream(target) << "old contents"; }
  DType u1{.kind = DTypeKind::UnsignedInt, .itemsize = 1};
  const std::vector<uint64_t> shape = {1 << 20};
  const Bytes payload(1 << 20, std::byte{7});
  const ArrayRef ref{.dtype = &u1, .shape = shape, .bytes = payload};

  // A file size limit makes write() fail with EFBIG part-way (SIGXFSZ ignored so it is an error,
  // not a signal), like a full disk.
  struct rlimit old_limit {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 64 << 10;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  const Status failed = write_npy_file(target, ref);
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::IoWriteFailed);
  std::string contents;
  std::getline(std::ifstream(target), contents);
  CHECK(contents == "old contents");
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temporary file left behind

  REQUIRE(write_npy_file(target, ref).ok());
  auto back = read_npy_file(target);
  REQUIRE(back.ok());
  CHECK(back->nbytes() == payload.size());
  CHECK(write_npy_file((dir / "missing_dir/x.npy").string(), ref).error().code ==
        ErrorCode::IoWriteFailed);
  CHECK(write_npy_file((dir / "").string(), ref).error().code == ErrorCode::IoWriteFailed);
  // The data is written and synced, then rename() over a non-empty directory fails: the
  // directory is untouched and the temporary file is gone.
  std::filesystem::create_directories(dir / "occupied" / "inside");
  const Status over_directory = write_npy_file((dir / "occupied").string(), ref);
  REQUIRE_FALSE(over_directory.ok());
  CHECK(over_directory.error().code == ErrorCode::IoWriteFailed);
  CHECK(std::filesystem::is_directory(dir / "occupied" / "inside"));
  files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 2);  // out.npy and the directory
  std::filesystem::remove_all(dir);
}

TEST_CASE("a writer whose add failed stays failed and never writes the target", "[writer][npz]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("npyguard_sticky_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  DType u1{.kind = DTypeKind::UnsignedInt, .itemsize = 1};
  const std::vector<uint64_t> shape = {1 << 20};
  const Bytes payload(1 << 20, std::byte{7});
  const ArrayRef ref{.dtype = &u1, .shape = shape, .bytes = payload};
  const auto leftover_files = [&] {
    size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
    return files;
  };

  SECTION("a refused key") {
    const std::string target = (dir / "bad_key.npz").string();
    auto writer = NpzFileWriter::create(target);
    REQUIRE(writer.ok());
    CHECK(writer->add({.key = "../escape", .array = ref}).error().code == ErrorCode::ZipUnsafeName);
    // The same key with a fixed array, and then another key: both refused as writer_failed
    // (not as a duplicate: the refused key was never recorded).
    CHECK(writer->add({.key = "ok", .array = ref}).error().code == ErrorCode::WriterFailed);
    CHECK(writer->commit().error().code == ErrorCode::WriterFailed);
    CHECK_FALSE(std::filesystem::exists(target));
  }
  SECTION("a member whose data could not be written") {
    const std::string target = (dir / "short.npz").string();
    auto writer = NpzFileWriter::create(target);
    REQUIRE(writer.ok());
    REQUIRE(writer->add({.key = "first", .array = ref}).ok());
    struct rlimit old_limit {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old_limit;
    small.rlim_cur = (1 << 20) + (256 << 10);  // room for the first member, not the second
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    const Status second = writer->add({.key = "second", .array = ref});
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
    CHECK(second.error().code == ErrorCode::IoWriteFailed);
    // Before the fix, commit() succeeded here and wrote an archive whose second member's local
    // header still held placeholder sizes.
    CHECK(writer->commit().error().code == ErrorCode::WriterFailed);
    CHECK(writer->add({.key = "third", .array = ref}).error().code == ErrorCode::WriterFailed);
    CHECK_FALSE(std::filesystem::exists(target));
  }
  CHECK(leftover_files() == 0);  // the destroyed writers removed their temporary files
  std::filesystem::remove_all(dir);
}

TEST_CASE("new outputs honour the umask; replaced files keep their permissions", "[writer]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("npyguard_mode_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  DType u1{.kind = DTypeKind::UnsignedInt, .itemsize = 1};
  const std::vector<uint64_t> shape = {3};
  const Bytes payload(3, std::byte{1});
  const ArrayRef ref{.dtype = &u1, .shape = shape, .bytes = payload};
  const auto mode_of = [](const std::filesystem::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
  };
  const mode_t old_umask = ::umask(027);
  REQUIRE(write_npy_file((dir / "new.npy").string(), ref).ok());
  REQUIRE(write_npz_file((dir / "new.npz").string(), {{{.key = "x", .array = ref}}}).ok());
  ::umask(0);
  { std::ofstream(dir / "private.npy") << "old"; }
  { std::ofstream(dir / "private.npz") << "old"; }
  std::filesystem::permissions(dir / "private.npy", std::filesystem::perms(0600));
  std::filesystem::permissions(dir / "private.npz", std::filesystem::perms(04750));
  REQUIRE(write_npy_file((dir / "private.npy").string(), ref).ok());
  REQUIRE(write_npz_file((dir / "private.npz").string(), {{{.key = "x", .array = ref}}}).ok());
  ::umask(old_umask);
  CHECK(mode_of(dir / "new.npy") == 0640);
  CHECK(mode_of(dir / "new.npz") == 0640);
  CHECK(mode_of(dir / "private.npy") == 0600);
  CHECK(mode_of(dir / "private.npz") == 0750);  // the set-user-id bit is not carried over
  CHECK(read_npy_file((dir / "private.npy").string()).ok());
  // The owner and group are kept too where the process may give them (root may give any).
  if (::geteuid() == 0) {
    constexpr uid_t kNobody = 65534;
    REQUIRE(::chown((dir / "private.npy").c_str(), kNobody, kNobody) == 0);
    REQUIRE(write_npy_file((dir / "private.npy").string(), ref).ok());
    struct stat st {};
    REQUIRE(::stat((dir / "private.npy").c_str(), &st) == 0);
    CHECK(st.st_uid == kNobody);
    CHECK(st.st_gid == kNobody);
    CHECK((st.st_mode & 07777) == 0600);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("verified writes never replace the target with what the reader refuses", "[writer]") {
  // Accepted as read (a 9 KB latin-1 header), but np.save's canonical header escapes each U+00A0
  // in the field names as \xa0 and grows to 31 KB, which the reader (and NumPy) refuse.
  const std::string input = std::string(NPYGUARD_SOURCE_DIR) +
                            "/corpus/regressions/sanitize/nbsp_field_names_header_grows.npy";
  auto array = read_npy_file(input);
  REQUIRE(array.ok());
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("npyguard_verify_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string target = (dir / "out.npy").string();
  { std::ofstream(target) << "old contents"; }

  const Status refused = write_npy_file(target, array_ref(*array), Limits{});
  CHECK(refused.error().code == ErrorCode::OutputRejected);
  // The reader's detail and numbers travel with output_rejected; its offset (in an output never
  // written) does not count.
  CHECK(render_detail(refused.error()) ==
        "the header is 31222 characters (latin-1: one per byte); max_header_chars is 10000");
  CHECK(error_facts(refused.error()).limit == 10000u);
  CHECK_FALSE(error_has_offset(refused.error().code));
  std::string contents;
  std::getline(std::ifstream(target), contents);
  CHECK(contents == "old contents");

  const std::string archive = (dir / "out.npz").string();
  NpzWriteOptions options;
  options.verify_with = Limits{};
  auto writer = NpzFileWriter::create(archive, options);
  REQUIRE(writer.ok());
  REQUIRE(writer->add({.key = "wide", .array = array_ref(*array)}).ok());
  const Status archive_refused = writer->commit();
  CHECK(archive_refused.error().code == ErrorCode::OutputRejected);
  CHECK(archive_refused.error().member == 0);
  CHECK(writer->commit().error().code == ErrorCode::WriterFailed);
  writer = Result<NpzFileWriter>(Error{.code = ErrorCode::Internal});  // drops the temporary file
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // only the old out.npy: no archive, no temporary files

  // Under limits that admit the longer header, both are written and read back equal.
  Limits roomy;
  roomy.max_header_chars = 40000;
  REQUIRE(write_npy_file(target, array_ref(*array), roomy).ok());
  auto back = read_npy_file(target, roomy);
  REQUIRE(back.ok());
  CHECK(back->dtype() == array->dtype());
  options.verify_with = roomy;
  REQUIRE(write_npz_file(archive, {{{.key = "wide", .array = array_ref(*array)}}}, options).ok());
  CHECK(NpzArchive::open_file(archive, roomy)->validate_all().ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("the writer refuses a caller-built dtype the reader would not read back the same",
          "[writer]") {
  const DType f8{.kind = DTypeKind::Float, .byte_order = ByteOrder::Little, .itemsize = 8};
  const DType i4{.kind = DTypeKind::SignedInt, .byte_order = ByteOrder::Little, .itemsize = 4};
  const std::vector<uint64_t> shape = {2};
  const auto record_of = [](std::vector<Field> fields, uint64_t itemsize) {
    DType record{.kind = DTypeKind::Structured, .itemsize = itemsize};
    record.fields = std::move(fields);
    return record;
  };
  const auto code_for = [&](const DType& dtype) {
    const auto header = encode_npy_header(dtype, shape, false);
    return header.ok() ? std::optional<ErrorCode>() : header.error().code;
  };
  // A well-formed record is written.
  CHECK_FALSE(code_for(record_of({Field{.name = "a", .dtype = f8, .size = 8},
                                  Field{.name = "b", .offset = 8, .dtype = i4, .size = 4}},
                                 12)));
  // Overlapping fields, a field past the record's end, a size that is not dtype x count, an
  // empty or duplicate name, a float of an impossible size: each refused before a byte is made.
  const std::vector<DType> bad = {
      record_of({Field{.name = "a", .dtype = f8, .size = 8},
                 Field{.name = "b", .offset = 4, .dtype = i4, .size = 4}},
                12),
      record_of({Field{.name = "a", .offset = 8, .dtype = f8, .size = 8}}, 8),
      record_of({Field{.name = "a", .dtype = f8, .size = 4}}, 8),
      record_of({Field{.name = "", .dtype = f8, .size = 8}}, 8),
      record_of({Field{.name = "a", .dtype = i4, .size = 4},
                 Field{.name = "a", .offset = 4, .dtype = i4, .size = 4}},
                8),
      DType{.kind = DTypeKind::Float, .byte_order = ByteOrder::Little, .itemsize = 3},
      DType{.kind = DTypeKind::Unicode, .byte_order = ByteOrder::Little, .itemsize = 6},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    INFO("case " << i << ": " << bad[i].descr());
    CHECK(code_for(bad[i]) == ErrorCode::InvalidDtype);
  }
  // The whole-file encoders refuse the same way.
  const Bytes payload(24);
  const ArrayRef overlapping{.dtype = &bad[0], .shape = shape, .bytes = payload};
  CHECK(encode_npy(overlapping).error().code == ErrorCode::InvalidDtype);
}
