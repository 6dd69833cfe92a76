// SPDX-License-Identifier: Apache-2.0
// The npyguard side of the consumer differential (differential_consumers.py): reads one request
// per line on standard input, "<input path>\t<sanitize output path>" (the tab and output path are
// optional), and prints one JSON line per request with what the library makes of the file.
// Trust boundary: the input files are untrusted (mutated archives and headers); the request lines
// come from the harness. The verdict is `npyguard check`'s: the same library calls in the same
// order (validate_npy_file, then for an input that looks like a ZIP, NpzArchive::open_file and
// validate_all), with default Limits. Accepted inputs are then loaded (read_npy_file with pread,
// NpzArchive::read) to report each array's raw payload bytes as stored (length and CRC-32), and,
// when an output path is given, written back the way `sanitize` does with default options
// (write_npy_file, or NpzFileWriter keeping deflate when any input member was deflated).
//
// Output: {"ok":true,"format":"npy"|"npz","arrays":[{"key","name","descr","shape","fortran",
// "nbytes","crc32","crc32_values"}],"sanitize":"ok"|"<error_name>"|null}, or
// {"ok":false,"error":"<name>","stage":"check",...}. A file check accepts but read() refuses (or
// reads with other metadata) is {"ok":false,...,"stage":"read"}: the harness fails on it.
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "npyguard/npyguard.h"

namespace {

using npyguard::Array;
using npyguard::Error;
using npyguard::NpyInfo;
using npyguard::NpzArchive;
using npyguard::NpzMember;

// Bytes sniffed to tell a ZIP from a .npy, as the CLI does (local header or end record signature).
constexpr size_t kSniffBytes = 4;
// zlib's crc32 takes a uInt length; feed it in pieces no larger than this.
constexpr size_t kCrcChunk = size_t{1} << 30;

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      constexpr std::string_view kHex = "0123456789abcdef";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;  // UTF-8 passes through; the harness decodes with surrogateescape
    }
  }
  out += '"';
  return out;
}

uint32_t crc32_of(std::span<const std::byte> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    const size_t n = std::min(bytes.size(), kCrcChunk);
    crc = crc32(crc, static_cast<const Bytef*>(static_cast<const void*>(bytes.data())),
                static_cast<uInt>(n));
    bytes = bytes.subspan(n);
  }
  return static_cast<uint32_t>(crc);
}

// Marks the bytes of one element of `dtype` at `base` that hold values: every leaf field at every
// depth. What is left unmarked is record padding (gaps between fields, NumPy's ('', '|V<n>')
// entries, bytes after the last field), which np.load of an .npz member does not copy (it
// assigns field by field into np.empty), so only the value bytes can be compared there.
// Zero-size fields are skipped, so the work is bounded by the element size.
void mark_values(const npyguard::DType& dtype, uint64_t base, std::vector<bool>& mask) {
  if (dtype.kind != npyguard::DTypeKind::Structured) {
    std::fill(mask.begin() + static_cast<std::ptrdiff_t>(base),
              mask.begin() + static_cast<std::ptrdiff_t>(base + dtype.itemsize), true);
    return;
  }
  for (const npyguard::Field& field : dtype.fields) {
    if (field.size == 0) continue;
    for (uint64_t k = 0; k < field.count; ++k) {
      mark_values(field.dtype, base + field.offset + k * field.dtype.itemsize, mask);
    }
  }
}

// CRC-32 of the payload with every padding byte read as zero (equal to crc32_of when the dtype
// has no padding).
uint32_t crc32_of_values(const npyguard::DType& dtype, std::span<const std::byte> bytes) {
  if (dtype.kind != npyguard::DTypeKind::Structured || dtype.itemsize == 0 || bytes.empty()) {
    return crc32_of(bytes);
  }
  std::vector<bool> mask(static_cast<size_t>(dtype.itemsize), false);
  mark_values(dtype, 0, mask);
  if (std::all_of(mask.begin(), mask.end(), [](bool b) { return b; })) return crc32_of(bytes);
  std::vector<std::byte> copy(bytes.begin(), bytes.end());
  for (size_t i = 0; i < copy.size(); ++i) {
    if (!mask[i % mask.size()]) copy[i] = std::byte{0};
  }
  return crc32_of(copy);
}

struct Entry {
  std::string key;
  std::string name;
  NpyInfo info;
  uint64_t nbytes = 0;
  uint32_t crc = 0;
  uint32_t crc_values = 0;
};

std::string array_json(const Entry& e) {
  std::string out = "{\"key\":" + json_string(e.key) + ",\"name\":" + json_string(e.name) +
                    ",\"descr\":" + json_string(e.info.descr()) + ",\"shape\":[";
  for (size_t i = 0; i < e.info.shape.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(e.info.shape[i]);
  }
  out += "],\"fortran\":";
  out += e.info.fortran_order ? "true" : "false";
  out += ",\"nbytes\":" + std::to_string(e.nbytes) + ",\"crc32\":" + std::to_string(e.crc) +
         ",\"crc32_values\":" + std::to_string(e.crc_values) + "}";
  return out;
}

std::string refusal(const Error& error, std::string_view stage) {
  return "{\"ok\":false,\"error\":" + json_string(npyguard::error_name(error.code)) +
         ",\"stage\":" + json_string(stage) + ",\"offset\":" + std::to_string(error.offset) +
         ",\"member\":" + std::to_string(error.member) + "}";
}

bool looks_like_zip(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::array<std::byte, kSniffBytes> prefix{};
  const ssize_t got = ::pread(fd, prefix.data(), prefix.size(), 0);
  ::close(fd);
  if (got <= 0) return false;
  return npyguard::looks_like_npz(std::span(prefix).first(static_cast<size_t>(got)));
}

bool same_metadata(const NpyInfo& a, const NpyInfo& b) {
  return a.descr() == b.descr() && a.shape == b.shape && a.fortran_order == b.fortran_order &&
         a.nbytes == b.nbytes;
}

std::string accepted(std::string_view format, const std::vector<Entry>& entries,
                     const std::optional<std::string>& sanitized) {
  std::string out = "{\"ok\":true,\"format\":" + json_string(format) + ",\"arrays\":[";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    out += array_json(entries[i]);
  }
  out += "],\"sanitize\":";
  out += sanitized ? json_string(*sanitized) : std::string("null");
  out += '}';
  return out;
}

std::string judge_npy(const std::string& path, const NpyInfo& checked, const std::string& out) {
  const npyguard::Limits limits;
  npyguard::Result<Array> array =
      npyguard::read_npy_file(path, limits, npyguard::FileAccess::Pread);
  if (!array.ok()) return refusal(array.error(), "read");
  if (!same_metadata(checked, array->info())) {
    return "{\"ok\":false,\"error\":\"check_read_metadata_differ\",\"stage\":\"read\"}";
  }
  std::vector<Entry> entries(1);
  entries[0].info = array->info();
  entries[0].nbytes = array->bytes().size();
  entries[0].crc = crc32_of(array->bytes());
  entries[0].crc_values = crc32_of_values(array->dtype(), array->bytes());
  std::optional<std::string> sanitized;
  if (!out.empty()) {
    const npyguard::Status written = npyguard::write_npy_file(out, npyguard::array_ref(*array));
    sanitized =
        written.ok() ? std::string("ok") : std::string(npyguard::error_name(written.error().code));
  }
  return accepted("npy", entries, sanitized);
}

std::string judge_npz(const std::string& path, const std::string& out) {
  const npyguard::Limits limits;
  npyguard::Result<NpzArchive> archive = NpzArchive::open_file(path, limits);
  if (!archive.ok()) return refusal(archive.error(), "check");
  const npyguard::Result<std::vector<NpyInfo>> infos = archive->validate_all();
  if (!infos.ok()) return refusal(infos.error(), "check");
  const std::vector<NpzMember>& members = archive->members();
  std::vector<Entry> entries;
  std::vector<Array> arrays;
  size_t next = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].skipped) continue;
    npyguard::Result<Array> array = archive->read(i);
    if (!array.ok()) return refusal(array.error(), "read");
    if (next >= infos->size() || !same_metadata((*infos)[next], array->info())) {
      return "{\"ok\":false,\"error\":\"check_read_metadata_differ\",\"stage\":\"read\"}";
    }
    ++next;
    Entry e;
    e.key = members[i].key;
    e.name = members[i].name;
    e.info = array->info();
    e.nbytes = array->bytes().size();
    e.crc = crc32_of(array->bytes());
    e.crc_values = crc32_of_values(array->dtype(), array->bytes());
    entries.push_back(std::move(e));
    arrays.push_back(std::move(array).value());
  }
  std::optional<std::string> sanitized;
  if (!out.empty()) {
    npyguard::NpzWriteOptions options;
    const bool any_deflate = std::any_of(members.begin(), members.end(), [](const NpzMember& m) {
      return m.method == npyguard::NpzMethod::Deflate;
    });
    options.compression =
        any_deflate ? npyguard::NpzCompression::Deflate : npyguard::NpzCompression::Stored;
    npyguard::Status status = npyguard::Status::success();
    npyguard::Result<npyguard::NpzFileWriter> writer =
        npyguard::NpzFileWriter::create(out, options);
    if (!writer.ok()) {
      status = writer.error();
    } else {
      for (size_t i = 0; i < arrays.size() && status.ok(); ++i) {
        status = writer->add({.key = entries[i].key, .array = npyguard::array_ref(arrays[i])});
      }
      if (status.ok()) status = writer->commit();
    }
    sanitized =
        status.ok() ? std::string("ok") : std::string(npyguard::error_name(status.error().code));
  }
  return accepted("npz", entries, sanitized);
}

std::string judge(const std::string& path, const std::string& out) {
  const npyguard::Limits limits;
  npyguard::Result<NpyInfo> info = npyguard::validate_npy_file(path, limits);
  if (info.ok()) return judge_npy(path, *info, out);
  if (looks_like_zip(path)) return judge_npz(path, out);
  return refusal(info.error(), "check");
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    const size_t tab = line.find('\t');
    const std::string path = line.substr(0, tab);
    const std::string out = tab == std::string::npos ? std::string() : line.substr(tab + 1);
    std::cout << judge(path, out) << '\n' << std::flush;
  }
  return 0;
}
