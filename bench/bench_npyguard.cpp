// SPDX-License-Identifier: Apache-2.0
// In-process benchmarks: each npyguard figure next to its physical limit, measured in the same
// process on the same file (bench/run.py adds NumPy's figures from the same run and the ratios).
//   build/bench/bench/bench_npyguard   (inputs from bench/make_bench_files.py, found through
//                                        NPYGUARD_BENCH_DATA, default build/bench-data)
// References: pread() of the file into a buffer that is already faulted in (the limit for any
// reader), pread() into a fresh huge-page mapping (the limit for any reader that returns new
// memory, as a loader must), and a raw zlib inflate + CRC-32 of the members of an archive.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "npyguard/npyguard.h"

namespace {

using npyguard::Limits;

std::string data_dir() {
  const char* dir = std::getenv("NPYGUARD_BENCH_DATA");
  return dir != nullptr ? dir : "build/bench-data";
}

std::string input(const std::string& name) {
  const std::string path = data_dir() + "/" + name;
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error(path + " missing: run bench/make_bench_files.py");
  }
  return path;
}

template <class T>
T must(npyguard::Result<T> result) {
  if (!result.ok()) throw std::runtime_error(npyguard::describe(result.error()));
  return std::move(result).value();
}

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
  }
  ~Fd() { ::close(fd_); }
  int get() const { return fd_; }
  size_t size() const { return static_cast<size_t>(::lseek(fd_, 0, SEEK_END)); }

 private:
  int fd_;
};

// pread in 8 MiB steps (one giant pread into unfaulted memory is much slower on VMs).
void pread_all(int fd, std::byte* out, size_t size, size_t offset = 0) {
  constexpr size_t kStep = size_t{8} << 20;
  for (size_t done = 0; done < size;) {
    const ssize_t got =
        ::pread(fd, out + done, std::min(kStep, size - done), static_cast<off_t>(offset + done));
    if (got <= 0) throw std::runtime_error("pread failed");
    done += static_cast<size_t>(got);
  }
}

struct Mapping {
  explicit Mapping(size_t size) : size(size) {
    base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::runtime_error("mmap failed");
    ::madvise(base, size, MADV_HUGEPAGE);
  }
  ~Mapping() { ::munmap(base, size); }
  std::byte* data() const { return static_cast<std::byte*>(base); }
  void* base;
  size_t size;
};

// --- header parsing --------------------------------------------------------------------------

std::vector<std::byte> header_bytes(const npyguard::DType& dtype, std::vector<uint64_t> shape) {
  return must(npyguard::encode_npy_header(dtype, shape, false));
}

void header_simple(benchmark::State& state) {
  const npyguard::DType f8{
      .kind = npyguard::DTypeKind::Float, .byte_order = npyguard::ByteOrder::Little, .itemsize = 8};
  const auto bytes = header_bytes(f8, {1000, 3});
  const Limits limits;
  for (auto _ : state) {
    auto info = npyguard::parse_npy_header(bytes, limits);
    benchmark::DoNotOptimize(info);
    if (!info.ok()) state.SkipWithError("parse failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void header_structured20(benchmark::State& state) {
  std::string descr = "[";
  const char* types[] = {"<i4", "<f8", "|u1", "<i8", ">f4"};
  for (int i = 0; i < 20; ++i) {
    descr += "('field_" + std::to_string(i) + "', '" + types[i % 5] + "'), ";
  }
  descr += "]";
  const auto dtype = must(npyguard::parse_descr(descr, Limits{}, false));
  const auto bytes = header_bytes(dtype, {1000});
  const Limits limits;
  for (auto _ : state) {
    auto info = npyguard::parse_npy_header(bytes, limits);
    benchmark::DoNotOptimize(info);
    if (!info.ok()) state.SkipWithError("parse failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// --- .npy loads --------------------------------------------------------------------------------

void read_prefaulted(benchmark::State& state, const std::string& name) {
  const Fd fd(input(name));
  const size_t size = fd.size();
  Mapping buffer(size);
  std::memset(buffer.data(), 1, size);  // fault every page in before timing
  for (auto _ : state) {
    pread_all(fd.get(), buffer.data(), size);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}

void read_fresh(benchmark::State& state, const std::string& name) {
  const Fd fd(input(name));
  const size_t size = fd.size();
  for (auto _ : state) {
    Mapping buffer(size);
    pread_all(fd.get(), buffer.data(), size);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}

enum class Then { Nothing, Native, COrder };

void npyguard_load(benchmark::State& state, const std::string& name, Then then) {
  const std::string path = input(name);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  const Limits limits;
  for (auto _ : state) {
    auto array = must(npyguard::read_npy_file(path, limits, npyguard::FileAccess::Pread));
    // The rvalue overload converts in place: the load's buffer has no other owner.
    if (then == Then::Native) array = must(std::move(array).to_native_byte_order());
    if (then == Then::COrder) array = must(array.to_c_order());
    benchmark::DoNotOptimize(array.bytes().data());
  }
  state.SetBytesProcessed(state.iterations() * size);
}

// read_npy_file_into a buffer the caller reuses (already faulted in, like read_prefaulted's).
void npyguard_into(benchmark::State& state, const std::string& name, bool native, bool c_order) {
  const std::string path = input(name);
  const Limits limits;
  const auto info = must(npyguard::validate_npy_file(path, limits));
  Mapping buffer(static_cast<size_t>(info.nbytes));
  std::memset(buffer.data(), 1, buffer.size);
  const std::span<std::byte> out(buffer.data(), buffer.size);
  for (auto _ : state) {
    auto read = must(npyguard::read_npy_file_into(
        path, out, limits, {.native_byte_order = native, .c_order = c_order}));
    benchmark::DoNotOptimize(read);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(std::filesystem::file_size(path)));
}

void npyguard_mmap_open(benchmark::State& state, const std::string& name) {
  const std::string path = input(name);
  const Limits limits;
  for (auto _ : state) {
    auto array = must(npyguard::read_npy_file(path, limits, npyguard::FileAccess::Mmap));
    benchmark::DoNotOptimize(array.bytes().data());
  }
  state.SetItemsProcessed(state.iterations());
}

// --- .npz --------------------------------------------------------------------------------------

void npyguard_npz(benchmark::State& state, const std::string& name) {
  const std::string path = input(name);
  int64_t bytes = 0;
  for (auto _ : state) {
    auto archive = must(npyguard::NpzArchive::open_file(path));
    for (size_t i = 0; i < archive.members().size(); ++i) {
      auto array = must(archive.read(i));
      benchmark::DoNotOptimize(array.bytes().data());
      bytes += static_cast<int64_t>(archive.members()[i].uncompressed_size);
    }
  }
  state.SetBytesProcessed(bytes);
}

// Every member into one reused buffer (NpzArchive::read_into), like read_prefaulted's.
void npyguard_npz_into(benchmark::State& state, const std::string& name) {
  const std::string path = input(name);
  const auto archive = must(npyguard::NpzArchive::open_file(path));
  std::vector<size_t> payload_sizes;  // from a validation before timing
  for (size_t i = 0; i < archive.members().size(); ++i) {
    payload_sizes.push_back(static_cast<size_t>(must(archive.validate(i)).nbytes));
  }
  const size_t largest = *std::max_element(payload_sizes.begin(), payload_sizes.end());
  Mapping buffer(largest);
  std::memset(buffer.data(), 1, largest);
  int64_t bytes = 0;
  for (auto _ : state) {
    const auto opened = must(npyguard::NpzArchive::open_file(path));
    for (size_t i = 0; i < opened.members().size(); ++i) {
      auto info = must(opened.read_into(i, std::span(buffer.data(), payload_sizes[i])));
      benchmark::DoNotOptimize(info);
      bytes += static_cast<int64_t>(opened.members()[i].uncompressed_size);
    }
  }
  state.SetBytesProcessed(bytes);
}

// All members at once on every core (NpzArchive::read_all).
void npyguard_npz_parallel(benchmark::State& state, const std::string& name) {
  const std::string path = input(name);
  int64_t bytes = 0;
  for (auto _ : state) {
    auto archive = must(npyguard::NpzArchive::open_file(path));
    auto arrays = must(archive.read_all(0));
    benchmark::DoNotOptimize(arrays.data());
    for (const auto& member : archive.members()) {
      bytes += static_cast<int64_t>(member.uncompressed_size);
    }
  }
  state.SetBytesProcessed(bytes);
}

// The limit for a deflate archive: zlib raw inflate of every member into an already faulted
// buffer, plus CRC-32 of the output, nothing else (member positions from npyguard's directory).
void zlib_inflate_crc(benchmark::State& state, const std::string& name) {
  const std::string path = input(name);
  const auto archive = must(npyguard::NpzArchive::open_file(path));
  const Fd fd(path);
  std::vector<std::vector<std::byte>> compressed;
  size_t largest = 0;
  for (const auto& member : archive.members()) {
    compressed.emplace_back(member.compressed_size);
    pread_all(fd.get(), compressed.back().data(), compressed.back().size(), member.data_offset);
    largest = std::max<size_t>(largest, member.uncompressed_size);
  }
  Mapping out(largest);
  std::memset(out.data(), 1, largest);
  int64_t bytes = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < compressed.size(); ++i) {
      z_stream stream{};
      inflateInit2(&stream, -15);
      stream.next_in = reinterpret_cast<Bytef*>(compressed[i].data());
      stream.avail_in = static_cast<uInt>(compressed[i].size());
      stream.next_out = reinterpret_cast<Bytef*>(out.data());
      stream.avail_out = static_cast<uInt>(archive.members()[i].uncompressed_size);
      if (inflate(&stream, Z_FINISH) != Z_STREAM_END) state.SkipWithError("inflate failed");
      inflateEnd(&stream);
      const auto produced = archive.members()[i].uncompressed_size;
      const uLong crc =
          crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(produced));
      if (crc != archive.members()[i].crc32) state.SkipWithError("CRC mismatch");
      bytes += static_cast<int64_t>(produced);
    }
  }
  state.SetBytesProcessed(bytes);
}

void register_all() {
  using benchmark::RegisterBenchmark;
  RegisterBenchmark("header/simple/npyguard", header_simple);
  RegisterBenchmark("header/structured20/npyguard", header_structured20);
  for (const char* file : {"f8_le_256m.npy", "f8_be_256m.npy", "f4_fortran_64m.npy"}) {
    const std::string name(file);
    RegisterBenchmark(("load/" + name + "/read_prefaulted").c_str(), read_prefaulted, name)
        ->UseRealTime();
    RegisterBenchmark(("load/" + name + "/read_fresh").c_str(), read_fresh, name)->UseRealTime();
    RegisterBenchmark(("load/" + name + "/npyguard").c_str(), npyguard_load, name, Then::Nothing)
        ->UseRealTime();
    RegisterBenchmark(("load/" + name + "/npyguard_into").c_str(), npyguard_into, name, false,
                      false)
        ->UseRealTime();
  }
  RegisterBenchmark("load/f8_be_256m.npy/npyguard_native", npyguard_load,
                    std::string("f8_be_256m.npy"), Then::Native)
      ->UseRealTime();
  RegisterBenchmark("load/f8_be_256m.npy/npyguard_into_native", npyguard_into,
                    std::string("f8_be_256m.npy"), true, false)
      ->UseRealTime();
  RegisterBenchmark("load/f4_fortran_64m.npy/npyguard_into_c_order", npyguard_into,
                    std::string("f4_fortran_64m.npy"), false, true)
      ->UseRealTime();
  RegisterBenchmark("load/f4_fortran_64m.npy/npyguard_c_order", npyguard_load,
                    std::string("f4_fortran_64m.npy"), Then::COrder)
      ->UseRealTime();
  for (const char* file : {"f8_le_256m.npy", "f8_le_1g.npy"}) {
    RegisterBenchmark(("mmap_open/" + std::string(file) + "/npyguard").c_str(), npyguard_mmap_open,
                      std::string(file))
        ->UseRealTime();
  }
  RegisterBenchmark("npz/stored_8x32m.npz/read_prefaulted", read_prefaulted,
                    std::string("stored_8x32m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/stored_8x32m.npz/npyguard", npyguard_npz, std::string("stored_8x32m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/deflate_256m.npz/zlib_inflate_crc", zlib_inflate_crc,
                    std::string("deflate_256m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/deflate_256m.npz/npyguard", npyguard_npz, std::string("deflate_256m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/stored_8x32m.npz/npyguard_into", npyguard_npz_into,
                    std::string("stored_8x32m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/deflate_256m.npz/npyguard_into", npyguard_npz_into,
                    std::string("deflate_256m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/stored_8x32m.npz/npyguard_read_all", npyguard_npz_parallel,
                    std::string("stored_8x32m.npz"))
      ->UseRealTime();
  RegisterBenchmark("npz/deflate_256m.npz/npyguard_read_all", npyguard_npz_parallel,
                    std::string("deflate_256m.npz"))
      ->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  try {
    register_all();
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_npyguard: %s\n", e.what());
    return 1;
  }
  benchmark::Shutdown();
  return 0;
}
