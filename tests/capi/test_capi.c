/* SPDX-License-Identifier: Apache-2.0 */
/* The C API from C: compiled as C99 with -Wall -Wextra -Werror -pedantic (tests/CMakeLists.txt),
   run by ctest as `test_capi SOURCE_DIR WORK_DIR`. NumPy-written fixtures must open and read
   with the right metadata and bytes (also converted to host order and C order); hostile inputs,
   built here byte by byte, must be refused with the exact code; the writers' output must read
   back the same. Exits 0 when every check passed, 1 otherwise (each failure is printed). */
/* open() and close() are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npyguard/npyguard_c.h"

static int failures = 0;
static const char* source_dir = ".";
static const char* work_dir = ".";

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(call, expected_status, expected_code, err)                                    \
  do {                                                                                             \
    int status_ = (call);                                                                          \
    if (status_ != (expected_status) || ((expected_code) != 0 && (err).code != (expected_code))) { \
      fprintf(stderr, "%s:%d: %s: status %d (want %d), code %d %s (want %d): %s\n", __FILE__,      \
              __LINE__, #call, status_, (expected_status), (err).code, (err).name,                 \
              (expected_code), (err).message);                                                     \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

static void path_of(char* out, size_t size, const char* root, const char* relative) {
  snprintf(out, size, "%s/%s", root, relative);
}

static unsigned char* slurp(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  unsigned char* data = NULL;
  long length;
  if (file == NULL) return NULL;
  if (fseek(file, 0, SEEK_END) == 0 && (length = ftell(file)) >= 0 &&
      fseek(file, 0, SEEK_SET) == 0) {
    data = malloc((size_t)length + 1);
    if (data != NULL && fread(data, 1, (size_t)length, file) != (size_t)length) {
      free(data);
      data = NULL;
    }
    *size = (size_t)length;
  }
  fclose(file);
  return data;
}

/* A version 1.0 .npy: magic, version, u16 little-endian header length, the header text padded
   with spaces to a 64-byte boundary and ended by '\n', then `payload_size` bytes. Returns the
   total size written into `out` (capacity `capacity`), 0 if it does not fit. */
static size_t make_npy(unsigned char* out, size_t capacity, const char* header,
                       const unsigned char* payload, size_t payload_size) {
  size_t text = strlen(header);
  size_t total_header = 10 + text + 1;
  size_t padded = (total_header + 63) / 64 * 64;
  size_t length = padded - 10;
  if (padded + payload_size > capacity) return 0;
  memcpy(out, "\x93NUMPY\x01\x00", 8);
  out[8] = (unsigned char)(length & 0xFF);
  out[9] = (unsigned char)(length >> 8);
  memcpy(out + 10, header, text);
  memset(out + 10 + text, ' ', padded - 10 - text - 1);
  out[padded - 1] = '\n';
  if (payload_size > 0) memcpy(out + padded, payload, payload_size);
  return padded + payload_size;
}

static int host_is_little(void) {
  const uint16_t probe = 1;
  unsigned char first;
  memcpy(&first, &probe, 1);
  return first == 1;
}

static void test_basics(void) {
  npyguard_error err;
  npyguard_limits limits;
  CHECK(strcmp(npyguard_version(), "") != 0);
  CHECK(strcmp(npyguard_error_name(301), "object_dtype") == 0);
  CHECK(strcmp(npyguard_error_name(12345), "unknown_error") == 0);
  CHECK(strcmp(npyguard_error_name(-1), "unknown_error") == 0);

  CHECK_STATUS(
      npyguard_limits_init(&limits, sizeof limits, NPYGUARD_LIMITS_UNTRUSTED_UPLOADS, &err),
      NPYGUARD_OK, 0, err);
  CHECK(limits.struct_size == sizeof limits);
  CHECK(limits.max_header_chars == 10000);
  CHECK(limits.allow_fortran_order == 1);
  CHECK(limits.allow_trailing_data == 0);
  CHECK_STATUS(npyguard_limits_init(&limits, 8, NPYGUARD_LIMITS_UNTRUSTED_UPLOADS, &err),
               NPYGUARD_ERROR, 811, err);
  CHECK(strcmp(err.name, "invalid_argument") == 0);
  CHECK(err.category == NPYGUARD_CATEGORY_MISUSE);
  CHECK(strcmp(err.category_name, "misuse") == 0);
  CHECK_STATUS(npyguard_limits_init(&limits, sizeof limits, 99, &err), NPYGUARD_ERROR, 811, err);
  CHECK_STATUS(npyguard_limits_init(NULL, sizeof limits, 0, &err), NPYGUARD_ERROR, 811, err);
  /* NULL error pointers are allowed everywhere. */
  CHECK(npyguard_limits_init(NULL, sizeof limits, 0, NULL) == NPYGUARD_ERROR);

  /* A limits struct that claims a size below the first version is refused, not read. */
  CHECK_STATUS(
      npyguard_limits_init(&limits, sizeof limits, NPYGUARD_LIMITS_TRUSTED_LOCAL_FILES, &err),
      NPYGUARD_OK, 0, err);
  limits.struct_size = 4;
  CHECK_STATUS(npyguard_check_file("/nonexistent", &limits, &err), NPYGUARD_ERROR, 811, err);
  /* Inconsistent limits are the library's own invalid_limits. */
  npyguard_limits_init(&limits, sizeof limits, 0, NULL);
  limits.max_header_bytes = 0;
  CHECK_STATUS(npyguard_check_file("/nonexistent", &limits, &err), NPYGUARD_ERROR, 710, err);
  /* A NULL pattern entry. */
  {
    const char* patterns[2] = {"arr_[0-9]+\\.npy", NULL};
    npyguard_limits_init(&limits, sizeof limits, 0, NULL);
    limits.member_patterns = patterns;
    limits.member_pattern_count = 2;
    CHECK_STATUS(npyguard_check_file("/nonexistent", &limits, &err), NPYGUARD_ERROR, 811, err);
  }
}

static void test_check_file(void) {
  char path[4096];
  npyguard_error err;
  npyguard_limits limits;

  path_of(path, sizeof path, source_dir, "tests/fixtures/npy/f8_le_2x3.npy");
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_OK, 0, err);
  path_of(path, sizeof path, source_dir, "tests/fixtures/npz/savez_compressed.npz");
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_OK, 0, err);

  path_of(path, sizeof path, source_dir, "samples/pickled_objects.npy");
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_REJECTED, 301, err);
  CHECK(err.category == NPYGUARD_CATEGORY_POLICY_REJECTED);
  CHECK(err.has_offset == 1);
  CHECK(err.member == NPYGUARD_NO_MEMBER);
  CHECK(strstr(err.message, "object_dtype") == err.message);

  path_of(path, sizeof path, source_dir, "samples/huge_shape.npy");
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_REJECTED, 703, err);
  CHECK(err.category == NPYGUARD_CATEGORY_LIMIT_EXCEEDED);

  path_of(path, sizeof path, source_dir, "corpus/expect/fail_object_dtype__pickled_member.npz");
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_REJECTED, 301, err);
  CHECK(err.member != NPYGUARD_NO_MEMBER);
  CHECK(err.member_name[0] != '\0');
  CHECK(strstr(err.message, "member '") != NULL);

  path_of(path, sizeof path, source_dir, "corpus/expect/fail_crc_mismatch__stored.npz");
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_REJECTED, 604, err);

  /* A limit from the caller changes the verdict: Fortran order refused. */
  npyguard_limits_init(&limits, sizeof limits, 0, NULL);
  limits.allow_fortran_order = 0;
  path_of(path, sizeof path, source_dir, "tests/fixtures/npy/f8_le_3x4_fortran.npy");
  CHECK_STATUS(npyguard_check_file(path, &limits, &err), NPYGUARD_REJECTED, 707, err);
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_OK, 0, err);

  CHECK_STATUS(npyguard_check_file("/nonexistent/x.npy", NULL, &err), NPYGUARD_ERROR, 801, err);
  CHECK(err.category == NPYGUARD_CATEGORY_IO);
  CHECK(err.has_offset == 0);
  CHECK_STATUS(npyguard_check_file(NULL, NULL, &err), NPYGUARD_ERROR, 811, err);
  CHECK_STATUS(npyguard_check_file(source_dir, NULL, &err), NPYGUARD_ERROR, 0, err);
}

/* Hostile .npy bytes built here: each must be refused with its exact code. */
static void test_hostile_npy(void) {
  static unsigned char buffer[4096];
  static const unsigned char payload[48] = {0};
  npyguard_error err;
  npyguard_npy* npy = NULL;
  size_t size;

  size = make_npy(buffer, sizeof buffer,
                  "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", payload, 48);
  CHECK(size == 128 + 48);
  CHECK_STATUS(npyguard_check_memory(buffer, size, NULL, &err), NPYGUARD_OK, 0, err);
  CHECK_STATUS(npyguard_npy_open_memory(buffer, size, NULL, &npy, &err), NPYGUARD_OK, 0, err);
  npyguard_npy_close(npy);

  /* One byte of payload missing. */
  CHECK_STATUS(npyguard_check_memory(buffer, size - 1, NULL, &err), NPYGUARD_REJECTED, 401, err);
  /* One byte too many (trailing data is refused by default)... */
  {
    size_t longer =
        make_npy(buffer, sizeof buffer,
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", payload, 48);
    buffer[longer] = 0;
    CHECK_STATUS(npyguard_check_memory(buffer, longer + 1, NULL, &err), NPYGUARD_REJECTED, 402,
                 err);
  }
  /* Object dtype. */
  size = make_npy(buffer, sizeof buffer, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                  payload, 8);
  npy = (npyguard_npy*)&err; /* must be reset to NULL on failure */
  CHECK_STATUS(npyguard_npy_open_memory(buffer, size, NULL, &npy, &err), NPYGUARD_REJECTED, 301,
               err);
  CHECK(npy == NULL);
  /* An 8 TiB claim in a small file. */
  size =
      make_npy(buffer, sizeof buffer,
               "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", payload, 8);
  CHECK_STATUS(npyguard_check_memory(buffer, size, NULL, &err), NPYGUARD_REJECTED, 703, err);
  /* A shape whose product overflows 64 bits. */
  size =
      make_npy(buffer, sizeof buffer,
               "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }",
               payload, 8);
  CHECK_STATUS(npyguard_check_memory(buffer, size, NULL, &err), NPYGUARD_REJECTED, 0, err);
  /* Code in the header. */
  size =
      make_npy(buffer, sizeof buffer,
               "{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': (1,), }",
               payload, 8);
  CHECK_STATUS(npyguard_check_memory(buffer, size, NULL, &err), NPYGUARD_REJECTED, 0, err);
  CHECK(err.code / 100 == 2);
  /* Duplicate key. */
  size = make_npy(buffer, sizeof buffer,
                  "{'descr': '<f8', 'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                  payload, 8);
  CHECK_STATUS(npyguard_check_memory(buffer, size, NULL, &err), NPYGUARD_REJECTED, 206, err);
  /* Bad magic, truncated preamble, unknown version. */
  CHECK_STATUS(npyguard_check_memory("\x93NUMPZ\x01\x00\x10\x00", 10, NULL, &err),
               NPYGUARD_REJECTED, 101, err);
  CHECK_STATUS(npyguard_check_memory("\x93NUM", 4, NULL, &err), NPYGUARD_REJECTED, 103, err);
  size = make_npy(buffer, sizeof buffer,
                  "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", payload, 8);
  buffer[6] = 9;
  CHECK_STATUS(npyguard_check_memory(buffer, size, NULL, &err), NPYGUARD_REJECTED, 102, err);
  /* Empty input, and a NULL pointer with a size. */
  CHECK_STATUS(npyguard_check_memory("", 0, NULL, &err), NPYGUARD_REJECTED, 0, err);
  CHECK_STATUS(npyguard_check_memory(NULL, 5, NULL, &err), NPYGUARD_ERROR, 811, err);

  /* Garbage after a ZIP local header signature: an archive that is not one. */
  {
    unsigned char zip[64];
    memset(zip, 0xAB, sizeof zip);
    memcpy(zip, "PK\x03\x04", 4);
    CHECK_STATUS(npyguard_check_memory(zip, sizeof zip, NULL, &err), NPYGUARD_REJECTED, 0, err);
    CHECK(err.code / 100 == 5);
  }
}

static void test_npy_read(void) {
  char path[4096];
  npyguard_error err;
  npyguard_npy* npy = NULL;
  const npyguard_info* info;
  const npyguard_dtype* dtype;
  npyguard_info* converted = NULL;
  double stored[12], native[12], c_order[12];
  size_t i, j;

  path_of(path, sizeof path, source_dir, "tests/fixtures/npy/f8_be_3x4_fortran.npy");
  CHECK_STATUS(npyguard_npy_open_file(path, NULL, &npy, &err), NPYGUARD_OK, 0, err);
  if (npy == NULL) return;
  info = npyguard_npy_info(npy);
  dtype = npyguard_info_dtype(info);
  CHECK(npyguard_dtype_kind(dtype) == NPYGUARD_KIND_FLOAT);
  CHECK(npyguard_dtype_byte_order(dtype) == NPYGUARD_ORDER_BIG);
  CHECK(npyguard_dtype_itemsize(dtype) == 8);
  CHECK(strcmp(npyguard_dtype_type_string(dtype), ">f8") == 0);
  CHECK(strcmp(npyguard_info_descr(info), "'>f8'") == 0);
  CHECK(npyguard_info_ndim(info) == 2);
  CHECK(npyguard_info_shape(info)[0] == 3 && npyguard_info_shape(info)[1] == 4);
  CHECK(npyguard_info_fortran_order(info) == 1);
  CHECK(npyguard_info_count(info) == 12);
  CHECK(npyguard_info_nbytes(info) == 96);
  CHECK(npyguard_info_version_major(info) == 1);
  CHECK(npyguard_info_payload_offset(info) % 16 == 0);
  CHECK(npyguard_dtype_field_count(dtype) == 0);
  CHECK(npyguard_dtype_field(dtype, 0) == NULL);

  CHECK_STATUS(npyguard_npy_read(npy, stored, sizeof stored, NPYGUARD_READ_AS_STORED, NULL, &err),
               NPYGUARD_OK, 0, err);
  CHECK_STATUS(npyguard_npy_read(npy, native, sizeof native, NPYGUARD_READ_NATIVE_BYTE_ORDER,
                                 &converted, &err),
               NPYGUARD_OK, 0, err);
  CHECK(converted != NULL);
  if (converted != NULL) {
    CHECK(npyguard_dtype_byte_order(npyguard_info_dtype(converted)) ==
          (host_is_little() ? NPYGUARD_ORDER_LITTLE : NPYGUARD_ORDER_BIG));
    CHECK(npyguard_info_fortran_order(converted) == 1);
    npyguard_info_free(converted);
  }
  /* Stored big-endian bytes, reversed per element, are the native ones (on little-endian). */
  if (host_is_little()) {
    const unsigned char* s = (const unsigned char*)stored;
    const unsigned char* n = (const unsigned char*)native;
    for (i = 0; i < 12; ++i) {
      for (j = 0; j < 8; ++j) CHECK(s[i * 8 + j] == n[i * 8 + 7 - j]);
    }
  }
  CHECK_STATUS(
      npyguard_npy_read(npy, c_order, sizeof c_order,
                        NPYGUARD_READ_NATIVE_BYTE_ORDER | NPYGUARD_READ_C_ORDER, &converted, &err),
      NPYGUARD_OK, 0, err);
  if (converted != NULL) {
    CHECK(npyguard_info_fortran_order(converted) == 0);
    npyguard_info_free(converted);
  }
  /* Element (r, c) of a 3x4 array: native[c * 3 + r] in Fortran order, c_order[r * 4 + c]. */
  for (i = 0; i < 3; ++i) {
    for (j = 0; j < 4; ++j) CHECK(memcmp(&native[j * 3 + i], &c_order[i * 4 + j], 8) == 0);
  }
  CHECK(c_order[0] > 1.0531 && c_order[0] < 1.0532); /* NumPy's a.ravel(order='C')[0] */

  /* Wrong buffer sizes and flags are refused before anything is written. */
  CHECK_STATUS(npyguard_npy_read(npy, stored, sizeof stored - 1, 0, NULL, &err), NPYGUARD_ERROR,
               410, err);
  CHECK_STATUS(npyguard_npy_read(npy, stored, sizeof stored, 64u, NULL, &err), NPYGUARD_ERROR, 811,
               err);
  CHECK_STATUS(npyguard_npy_read(NULL, stored, sizeof stored, 0, NULL, &err), NPYGUARD_ERROR, 811,
               err);
  npyguard_npy_close(npy);
  npyguard_npy_close(NULL);

  /* From a descriptor (not kept) and from memory: the same bytes. */
  {
    int fd = open(path, O_RDONLY);
    double from_fd[12];
    CHECK(fd >= 0);
    CHECK_STATUS(npyguard_npy_open_fd(fd, NULL, &npy, &err), NPYGUARD_OK, 0, err);
    close(fd);
    if (npy != NULL) {
      CHECK_STATUS(
          npyguard_npy_read(npy, from_fd, sizeof from_fd,
                            NPYGUARD_READ_NATIVE_BYTE_ORDER | NPYGUARD_READ_C_ORDER, NULL, &err),
          NPYGUARD_OK, 0, err);
      CHECK(memcmp(from_fd, c_order, sizeof c_order) == 0);
      npyguard_npy_close(npy);
    }
    CHECK_STATUS(npyguard_npy_open_fd(-1, NULL, &npy, &err), NPYGUARD_ERROR, 0, err);
  }
  {
    size_t size = 0;
    unsigned char* bytes = slurp(path, &size);
    double from_memory[12];
    CHECK(bytes != NULL);
    CHECK_STATUS(npyguard_npy_open_memory(bytes, size, NULL, &npy, &err), NPYGUARD_OK, 0, err);
    if (npy != NULL) {
      CHECK_STATUS(npyguard_npy_read(npy, from_memory, sizeof from_memory, NPYGUARD_READ_C_ORDER,
                                     NULL, &err),
                   NPYGUARD_OK, 0, err);
      npyguard_npy_close(npy);
    }
    free(bytes);
  }
}

static void test_structured(void) {
  char path[4096];
  npyguard_error err;
  npyguard_npy* npy = NULL;
  const npyguard_dtype* dtype;
  const npyguard_field* field;

  path_of(path, sizeof path, source_dir, "tests/fixtures/npy/rec_subarray_2.npy");
  CHECK_STATUS(npyguard_npy_open_file(path, NULL, &npy, &err), NPYGUARD_OK, 0, err);
  if (npy == NULL) return;
  dtype = npyguard_info_dtype(npyguard_npy_info(npy));
  CHECK(npyguard_dtype_kind(dtype) == NPYGUARD_KIND_STRUCTURED);
  CHECK(npyguard_dtype_field_count(dtype) == 3);
  field = npyguard_dtype_field(dtype, 0);
  CHECK(strcmp(npyguard_field_name(field), "a") == 0);
  CHECK(npyguard_field_offset(field) == 0);
  CHECK(npyguard_field_ndim(field) == 2);
  CHECK(npyguard_field_shape(field)[0] == 2 && npyguard_field_shape(field)[1] == 3);
  CHECK(npyguard_field_size(field) == 48);
  CHECK(strcmp(npyguard_dtype_type_string(npyguard_field_dtype(field)), "<f8") == 0);
  CHECK(npyguard_field_title(field) == NULL);
  field = npyguard_dtype_field(dtype, 1);
  CHECK(strcmp(npyguard_field_name(field), "b") == 0);
  CHECK(npyguard_field_offset(field) == 48);
  CHECK(npyguard_dtype_byte_order(npyguard_field_dtype(field)) == NPYGUARD_ORDER_BIG);
  field = npyguard_dtype_field(dtype, 2);
  CHECK(npyguard_field_ndim(field) == 0 && npyguard_field_shape(field) == NULL);
  CHECK(npyguard_dtype_itemsize(dtype) == 48 + 8 + 1);
  npyguard_npy_close(npy);

  path_of(path, sizeof path, source_dir, "tests/fixtures/npy/rec_titles_3.npy");
  CHECK_STATUS(npyguard_npy_open_file(path, NULL, &npy, &err), NPYGUARD_OK, 0, err);
  if (npy == NULL) return;
  field = npyguard_dtype_field(npyguard_info_dtype(npyguard_npy_info(npy)), 0);
  CHECK(strcmp(npyguard_field_name(field), "temp") == 0);
  CHECK(npyguard_field_title(field) != NULL &&
        strcmp(npyguard_field_title(field), "'Temperature in C'") == 0);
  npyguard_npy_close(npy);

  path_of(path, sizeof path, source_dir, "tests/fixtures/npy/datetime-10ms_le_10.npy");
  CHECK_STATUS(npyguard_npy_open_file(path, NULL, &npy, &err), NPYGUARD_OK, 0, err);
  if (npy == NULL) return;
  dtype = npyguard_info_dtype(npyguard_npy_info(npy));
  CHECK(npyguard_dtype_kind(dtype) == NPYGUARD_KIND_DATETIME);
  CHECK(strcmp(npyguard_dtype_datetime_unit(dtype), "ms") == 0);
  CHECK(npyguard_dtype_datetime_multiplier(dtype) == 10);
  npyguard_npy_close(npy);
}

static void test_npz(void) {
  char path[4096];
  npyguard_error err;
  npyguard_npz* npz = NULL;
  npyguard_npz_member_desc member;
  npyguard_info* info = NULL;
  size_t index = 0, count;
  int16_t values[5];

  path_of(path, sizeof path, source_dir, "tests/fixtures/npz/savez_compressed.npz");
  CHECK_STATUS(npyguard_npz_open_file(path, NULL, &npz, &err), NPYGUARD_OK, 0, err);
  if (npz == NULL) return;
  count = npyguard_npz_member_count(npz);
  CHECK(count == 9);
  CHECK_STATUS(npyguard_npz_member(npz, 0, &member, &err), NPYGUARD_OK, 0, err);
  CHECK(strcmp(member.name, "f8_2x3.npy") == 0 && strcmp(member.key, "f8_2x3") == 0);
  CHECK(member.method == NPYGUARD_METHOD_DEFLATE);
  CHECK_STATUS(npyguard_npz_member(npz, count, &member, &err), NPYGUARD_ERROR, 407, err);
  CHECK_STATUS(npyguard_npz_find(npz, "i2_be", &index, &err), NPYGUARD_OK, 0, err);
  CHECK(index == 1);
  CHECK_STATUS(npyguard_npz_find(npz, "i2_be.npy", &index, &err), NPYGUARD_OK, 0, err);
  CHECK_STATUS(npyguard_npz_find(npz, "missing", &index, &err), NPYGUARD_ERROR, 519, err);
  CHECK_STATUS(npyguard_npz_member_info(npz, index, &info, &err), NPYGUARD_OK, 0, err);
  if (info != NULL) {
    CHECK(strcmp(npyguard_info_descr(info), "'>i2'") == 0);
    CHECK(npyguard_info_ndim(info) == 1 && npyguard_info_shape(info)[0] == 5);
    npyguard_info_free(info);
  }
  CHECK_STATUS(npyguard_npz_read(npz, index, values, sizeof values, NPYGUARD_READ_NATIVE_BYTE_ORDER,
                                 NULL, &err),
               NPYGUARD_OK, 0, err);
  CHECK(values[0] == 1 && values[1] == -2 && values[2] == 300 && values[3] == -32768);
  CHECK_STATUS(npyguard_npz_read(npz, index, values, sizeof values - 2, 0, NULL, &err),
               NPYGUARD_ERROR, 410, err);
  CHECK_STATUS(npyguard_npz_read(npz, 99, values, sizeof values, 0, NULL, &err), NPYGUARD_ERROR,
               407, err);
  npyguard_npz_close(npz);
  npyguard_npz_close(NULL);

  /* From a descriptor and from memory. */
  {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_STATUS(npyguard_npz_open_fd(fd, NULL, &npz, &err), NPYGUARD_OK, 0, err);
    close(fd);
    if (npz != NULL) {
      CHECK(npyguard_npz_member_count(npz) == 9);
      CHECK_STATUS(npyguard_npz_read(npz, 1, values, sizeof values, NPYGUARD_READ_NATIVE_BYTE_ORDER,
                                     NULL, &err),
                   NPYGUARD_OK, 0, err);
      npyguard_npz_close(npz);
    }
  }
  {
    size_t size = 0;
    unsigned char* bytes = slurp(path, &size);
    CHECK(bytes != NULL);
    CHECK_STATUS(npyguard_npz_open_memory(bytes, size, NULL, &npz, &err), NPYGUARD_OK, 0, err);
    if (npz != NULL) {
      CHECK(npyguard_npz_member_count(npz) == 9);
      npyguard_npz_close(npz);
    }
    /* The archive cut short: no end record any more. */
    CHECK_STATUS(npyguard_npz_open_memory(bytes, size - 10, NULL, &npz, &err), NPYGUARD_REJECTED, 0,
                 err);
    CHECK(npz == NULL);
    CHECK(err.code / 100 == 5);
    /* One byte of the central directory's signature flipped. */
    bytes[size - 22] ^= 0xFF;
    CHECK_STATUS(npyguard_check_memory(bytes, size, NULL, &err), NPYGUARD_REJECTED, 0, err);
    free(bytes);
  }

  /* A member whose stored CRC is wrong opens (the directory is fine) and fails when read. */
  path_of(path, sizeof path, source_dir, "corpus/expect/fail_crc_mismatch__stored.npz");
  CHECK_STATUS(npyguard_npz_open_file(path, NULL, &npz, &err), NPYGUARD_OK, 0, err);
  if (npz != NULL) {
    CHECK_STATUS(npyguard_npz_member_info(npz, 0, &info, &err), NPYGUARD_REJECTED, 604, err);
    CHECK(info == NULL);
    CHECK(err.member == 0 && err.member_name[0] != '\0');
    npyguard_npz_close(npz);
  }
  CHECK_STATUS(npyguard_npz_open_file("/nonexistent.npz", NULL, &npz, &err), NPYGUARD_ERROR, 801,
               err);
}

static void test_writers(void) {
  char path[4096];
  npyguard_error err;
  const int32_t data[6] = {1, -2, 3, -4, 5, 600000};
  const uint64_t shape[2] = {2, 3};
  npyguard_array_desc array;
  npyguard_npy* npy = NULL;
  void* encoded = NULL;
  size_t encoded_size = 0;
  int32_t back[6];

  memset(&array, 0, sizeof array);
  array.descr = "<i4";
  array.shape = shape;
  array.ndim = 2;
  array.data = data;
  array.size = sizeof data;

  path_of(path, sizeof path, work_dir, "written.npy");
  CHECK_STATUS(npyguard_write_npy_file(path, &array, &err), NPYGUARD_OK, 0, err);
  CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_OK, 0, err);
  CHECK_STATUS(npyguard_npy_open_file(path, NULL, &npy, &err), NPYGUARD_OK, 0, err);
  if (npy != NULL) {
    CHECK(strcmp(npyguard_info_descr(npyguard_npy_info(npy)), "'<i4'") == 0);
    CHECK_STATUS(npyguard_npy_read(npy, back, sizeof back, 0, NULL, &err), NPYGUARD_OK, 0, err);
    CHECK(memcmp(back, data, sizeof data) == 0);
    npyguard_npy_close(npy);
  }

  CHECK_STATUS(npyguard_encode_npy(&array, &encoded, &encoded_size, &err), NPYGUARD_OK, 0, err);
  CHECK(encoded_size == 128 + sizeof data);
  CHECK_STATUS(npyguard_npy_open_memory(encoded, encoded_size, NULL, &npy, &err), NPYGUARD_OK, 0,
               err);
  npyguard_npy_close(npy);
  npyguard_free(encoded);
  npyguard_free(NULL);

  /* A quoted descr is the same dtype; refusals: object dtype, a size that does not match. */
  array.descr = "'<i4'";
  CHECK_STATUS(npyguard_write_npy_file(path, &array, &err), NPYGUARD_OK, 0, err);
  array.descr = "|O";
  CHECK_STATUS(npyguard_write_npy_file(path, &array, &err), NPYGUARD_REJECTED, 301, err);
  array.descr = "<i4";
  array.size = sizeof data - 4;
  CHECK(npyguard_write_npy_file(path, &array, &err) != NPYGUARD_OK);
  array.size = sizeof data;
  array.descr = "<i4', 'x";
  CHECK_STATUS(npyguard_write_npy_file(path, &array, &err), NPYGUARD_ERROR, 811, err);
  array.descr = "<i4";
  CHECK_STATUS(npyguard_write_npy_file(path, NULL, &err), NPYGUARD_ERROR, 811, err);

  /* An archive, one member at a time. */
  {
    npyguard_npz_writer* writer = NULL;
    npyguard_npz* npz = NULL;
    npyguard_info* info = NULL;
    const unsigned char records[2 * 8] = {1, 0, 0, 0, 0, 0, 0x80, 0x3F, 2, 0, 0, 0, 0, 0, 0, 0x40};
    const uint64_t record_shape[1] = {2};
    npyguard_array_desc rec;
    memset(&rec, 0, sizeof rec);
    rec.descr = "[('x', '<i4'), ('y', '<f4')]";
    rec.shape = record_shape;
    rec.ndim = 1;
    rec.data = records;
    rec.size = sizeof records;

    path_of(path, sizeof path, work_dir, "written.npz");
    CHECK_STATUS(npyguard_npz_writer_create(path, NPYGUARD_NPZ_DEFLATE, 0, &writer, &err),
                 NPYGUARD_OK, 0, err);
    if (writer == NULL) return;
    CHECK_STATUS(npyguard_npz_writer_add(writer, "ints", &array, &err), NPYGUARD_OK, 0, err);
    CHECK_STATUS(npyguard_npz_writer_add(writer, "records", &rec, &err), NPYGUARD_OK, 0, err);
    CHECK_STATUS(npyguard_npz_writer_commit(writer, &err), NPYGUARD_OK, 0, err);
    npyguard_npz_writer_free(writer);

    CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_OK, 0, err);
    CHECK_STATUS(npyguard_npz_open_file(path, NULL, &npz, &err), NPYGUARD_OK, 0, err);
    if (npz != NULL) {
      CHECK(npyguard_npz_member_count(npz) == 2);
      CHECK_STATUS(npyguard_npz_member_info(npz, 1, &info, &err), NPYGUARD_OK, 0, err);
      if (info != NULL) {
        CHECK(npyguard_dtype_field_count(npyguard_info_dtype(info)) == 2);
        npyguard_info_free(info);
      }
      CHECK_STATUS(npyguard_npz_read(npz, 0, back, sizeof back, 0, NULL, &err), NPYGUARD_OK, 0,
                   err);
      CHECK(memcmp(back, data, sizeof data) == 0);
      npyguard_npz_close(npz);
    }

    /* A key that is not a safe member name fails the writer for good; the target stays. */
    CHECK_STATUS(npyguard_npz_writer_create(path, NPYGUARD_NPZ_STORED, 0, &writer, &err),
                 NPYGUARD_OK, 0, err);
    if (writer == NULL) return;
    CHECK(npyguard_npz_writer_add(writer, "../escape", &array, &err) != NPYGUARD_OK);
    CHECK_STATUS(npyguard_npz_writer_commit(writer, &err), NPYGUARD_ERROR, 807, err);
    npyguard_npz_writer_free(writer);
    CHECK_STATUS(npyguard_check_file(path, NULL, &err), NPYGUARD_OK, 0, err);
    CHECK_STATUS(npyguard_npz_writer_create(path, 7, 0, &writer, &err), NPYGUARD_ERROR, 811, err);
    CHECK_STATUS(npyguard_npz_writer_create(path, NPYGUARD_NPZ_DEFLATE, 10, &writer, &err),
                 NPYGUARD_ERROR, 811, err);
    npyguard_npz_writer_free(NULL);
  }
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SOURCE_DIR WORK_DIR\n", argv[0]);
    return 2;
  }
  source_dir = argv[1];
  work_dir = argv[2];
  test_basics();
  test_check_file();
  test_hostile_npy();
  test_npy_read();
  test_structured();
  test_npz();
  test_writers();
  if (failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all C API checks passed\n");
  return 0;
}
