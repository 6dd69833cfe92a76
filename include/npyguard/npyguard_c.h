/* SPDX-License-Identifier: Apache-2.0 */
/* The C API of npyguard: validate, inspect and read NumPy .npy and .npz files from untrusted
   sources, and write them, from C99 or anything with a C FFI (Go's cgo, Rust, Python's ctypes).
   Trust boundary: every byte of every input is untrusted; everything this API hands back has been
   validated completely (the same checks as the C++ API and the CLI, under the same Limits).

   Conventions, for every function below:
   - Status: functions returning `int` return NPYGUARD_OK (0) on success, NPYGUARD_REJECTED (1)
     when the input was refused (malformed, unsupported, refused by policy or by a limit) and
     NPYGUARD_ERROR (2) when it could not be read or written, an argument was invalid, or npyguard
     itself failed (out of memory); the same contract as the `npyguard` command's exit codes.
   - Errors: every function that can fail takes a last `npyguard_error* error` argument that may
     be NULL. On failure it is filled in; on success it is left untouched. No C++ exception ever
     crosses this API: each one is caught and reported as an error (out_of_memory, internal).
   - Ownership: a handle returned through an `npyguard_x** out` argument belongs to the caller and
     is released with the matching npyguard_x_free/close function, which accepts NULL. Pointers
     returned by accessors (names, shapes, dtypes) are borrowed: valid until the handle they came
     from is released, never to be freed by the caller. Strings are NUL-terminated UTF-8.
   - Threads: there is no global state. Functions taking `const` handles may be called from
     several threads at once on the same handle; functions taking a non-const handle need
     exclusive access to it; distinct handles are independent.
   - Sizes are size_t for memory and uint64_t for quantities from files.
   - ABI: this header is stable within a 0.x minor release (libnpyguard.so.0) and within a major
     release from 1.0 on (docs/versioning.md). npyguard_limits grows only at its end and carries
     its own size; the other structs keep their layout. */
#ifndef NPYGUARD_NPYGUARD_C_H_
#define NPYGUARD_NPYGUARD_C_H_

#include <stddef.h>
#include <stdint.h>

#include "npyguard/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The C names are snake_case, unlike the C++ API's types (clang-tidy's naming rule is for C++):
   NOLINTBEGIN(readability-identifier-naming) */

/* ---- Status, version ------------------------------------------------------------------------ */

#define NPYGUARD_OK 0
#define NPYGUARD_REJECTED 1
#define NPYGUARD_ERROR 2

/* The library's version ("0.1.0"), a static string; compare it with the headers' version
   (npyguard/version.h) to detect a program running against another shared library. */
NPYGUARD_EXPORT const char* npyguard_version(void);

/* ---- Errors --------------------------------------------------------------------------------- */

/* Categories (npyguard::ErrorCategory); NPYGUARD_CATEGORY_NONE in an error never filled in. */
#define NPYGUARD_CATEGORY_NONE 0
#define NPYGUARD_CATEGORY_MALFORMED 1
#define NPYGUARD_CATEGORY_UNSUPPORTED 2
#define NPYGUARD_CATEGORY_POLICY_REJECTED 3
#define NPYGUARD_CATEGORY_LIMIT_EXCEEDED 4
#define NPYGUARD_CATEGORY_IO 5
#define NPYGUARD_CATEGORY_INTERNAL 6
#define NPYGUARD_CATEGORY_MISUSE 7

/* Error::member when the error is about no archive member. */
#define NPYGUARD_NO_MEMBER 0xFFFFFFFFu

#define NPYGUARD_ERROR_NAME_SIZE 64
#define NPYGUARD_ERROR_CATEGORY_SIZE 32
#define NPYGUARD_ERROR_MEMBER_SIZE 1040
#define NPYGUARD_ERROR_MESSAGE_SIZE 2048

/* What went wrong. Caller-allocated (typically on the stack) with fixed-size buffers, so an error
   needs no freeing, survives the handle it came from and is safe to fill from any thread. Text
   longer than a buffer is cut at a UTF-8 character boundary (`truncated` is then set). */
typedef struct npyguard_error {
  /* The stable numeric code (SECURITY.md, include/npyguard/error_codes.inc: values never change
     meaning), 0 when no error was stored. */
  int code;
  int category; /* NPYGUARD_CATEGORY_* */
  /* Whether `offset` is a place in the input (false for I/O, misuse and internal errors). */
  int has_offset;
  /* Byte offset of the problem: file-absolute for .npy and ZIP structures, member-relative
     (uncompressed) inside an .npz member. */
  uint64_t offset;
  /* Index of the .npz member (directory entry) the error is about, or NPYGUARD_NO_MEMBER. */
  uint32_t member;
  int os_errno;                                     /* errno of the failed system call, or 0 */
  int truncated;                                    /* 1 when some text below was cut to fit */
  char name[NPYGUARD_ERROR_NAME_SIZE];              /* stable snake_case name: "object_dtype" */
  char category_name[NPYGUARD_ERROR_CATEGORY_SIZE]; /* "malformed", "policy_rejected", ... */
  /* The member's name as stored when `member` is set and known, else empty. Bytes below 0x20 and
     0x7F (which no accepted name holds, but a refused one may) are replaced by '?'. */
  char member_name[NPYGUARD_ERROR_MEMBER_SIZE];
  /* The whole description, as the CLI prints it: "<name>: <message>: <detail> (member 'x.npy',
     offset N)". */
  char message[NPYGUARD_ERROR_MESSAGE_SIZE];
} npyguard_error;

/* The stable name of a numeric code ("object_dtype"; "unknown_error" for a value not in the
   table), a static string. Thread-safe. */
NPYGUARD_EXPORT const char* npyguard_error_name(int code);

/* ---- Limits --------------------------------------------------------------------------------- */

/* Presets for npyguard_limits_init (npyguard::Limits' canned settings). */
#define NPYGUARD_LIMITS_UNTRUSTED_UPLOADS 0   /* the defaults: files from anyone */
#define NPYGUARD_LIMITS_TRUSTED_LOCAL_FILES 1 /* larger resource limits, same policy */

/* The resource budget and policy of every reader: the fields of npyguard::Limits, documented
   there (include/npyguard/limits.h) with the reason for each default. Always initialize with
   npyguard_limits_init, then change fields: `struct_size` tells the library which fields the
   caller's header version has (new fields are only ever appended, and take their defaults when
   a caller's struct ends before them). Booleans are 0 or 1. The struct holds no pointers it owns;
   `member_patterns` is read during each call and never kept. */
typedef struct npyguard_limits {
  size_t struct_size; /* sizeof(npyguard_limits) as the caller compiled it */
  uint64_t max_header_chars;
  uint64_t max_header_bytes;
  uint32_t max_ndim;
  uint32_t max_dim_digits;
  uint64_t max_array_bytes;
  uint32_t max_dtype_depth;
  uint32_t max_fields;
  uint32_t max_members;
  uint32_t max_member_name_bytes;
  uint64_t max_total_uncompressed;
  uint64_t amplification_floor_bytes;
  uint32_t max_amplification_factor;
  uint32_t max_compression_ratio;
  uint64_t max_total_header_bytes;
  uint64_t max_streamed_archive_bytes;
  /* RE2 patterns (full match) a member name must match one of; NULL/0: every name. */
  const char* const* member_patterns;
  size_t member_pattern_count;
  int skip_non_npy_members;
  int allow_fortran_order;
  int allow_big_endian;
  int allow_structured;
  int strict_alignment;
  int allow_trailing_data;
  int normalize_bool;
  int allow_invalid_unicode;
} npyguard_limits;

/* Fills `limits` with a preset, for a struct of `struct_size` bytes (pass sizeof *limits): only
   the fields that fit are written. NPYGUARD_ERROR (invalid_argument) for a NULL pointer, a size
   smaller than the first version of the struct, or an unknown preset. Thread-safe. */
NPYGUARD_EXPORT int npyguard_limits_init(npyguard_limits* limits, size_t struct_size, int preset,
                                         npyguard_error* error);

/* ---- One-call check -------------------------------------------------------------------------- */

/* Validates the file at `path` the way `npyguard check` does: opened read-only, told .npy from
   .npz by content, every header, directory entry and payload checked with bounded memory.
   `limits` NULL means the defaults. Returns NPYGUARD_OK (accepted), NPYGUARD_REJECTED or
   NPYGUARD_ERROR (cannot be opened or read, bad arguments). Thread-safe. */
NPYGUARD_EXPORT int npyguard_check_file(const char* path, const npyguard_limits* limits,
                                        npyguard_error* error);

/* The same for `size` bytes in memory (not kept after the call). */
NPYGUARD_EXPORT int npyguard_check_memory(const void* data, size_t size,
                                          const npyguard_limits* limits, npyguard_error* error);

/* ---- Metadata: dtype tree and array info ---------------------------------------------------- */

/* DType kinds (npyguard::DTypeKind). */
#define NPYGUARD_KIND_BOOL 0
#define NPYGUARD_KIND_SIGNED_INT 1
#define NPYGUARD_KIND_UNSIGNED_INT 2
#define NPYGUARD_KIND_FLOAT 3
#define NPYGUARD_KIND_COMPLEX 4
#define NPYGUARD_KIND_BYTES 5   /* S<n> */
#define NPYGUARD_KIND_UNICODE 6 /* U<n>: UCS-4 */
#define NPYGUARD_KIND_VOID 7    /* V<n> */
#define NPYGUARD_KIND_DATETIME 8
#define NPYGUARD_KIND_TIMEDELTA 9
#define NPYGUARD_KIND_STRUCTURED 10

/* Byte orders (npyguard::ByteOrder). */
#define NPYGUARD_ORDER_LITTLE 0         /* '<' */
#define NPYGUARD_ORDER_BIG 1            /* '>' */
#define NPYGUARD_ORDER_NOT_APPLICABLE 2 /* '|' */

/* Borrowed views into a validated dtype tree; valid as long as the info they came from. */
typedef struct npyguard_dtype npyguard_dtype;
typedef struct npyguard_field npyguard_field;
/* What a .npy header (or an .npz member's) says, validated. */
typedef struct npyguard_info npyguard_info;

NPYGUARD_EXPORT int npyguard_dtype_kind(const npyguard_dtype* dtype);
NPYGUARD_EXPORT int npyguard_dtype_byte_order(const npyguard_dtype* dtype);
NPYGUARD_EXPORT uint64_t npyguard_dtype_itemsize(const npyguard_dtype* dtype);
/* Datetime/timedelta unit as NumPy spells it ("ms", "" for generic), a static string, and its
   multiplier ('<M8[10ms]': "ms", 10). */
NPYGUARD_EXPORT const char* npyguard_dtype_datetime_unit(const npyguard_dtype* dtype);
NPYGUARD_EXPORT uint32_t npyguard_dtype_datetime_multiplier(const npyguard_dtype* dtype);
/* The type string ("<f8"), empty for structured dtypes. */
NPYGUARD_EXPORT const char* npyguard_dtype_type_string(const npyguard_dtype* dtype);
/* Structured only (0 otherwise): the fields in offset order; NULL when index >= count. */
NPYGUARD_EXPORT size_t npyguard_dtype_field_count(const npyguard_dtype* dtype);
NPYGUARD_EXPORT const npyguard_field* npyguard_dtype_field(const npyguard_dtype* dtype,
                                                           size_t index);

NPYGUARD_EXPORT const char* npyguard_field_name(const npyguard_field* field);
/* The title as NumPy's repr writes it ("'text'", "1", "b'x'"), or NULL without one. */
NPYGUARD_EXPORT const char* npyguard_field_title(const npyguard_field* field);
NPYGUARD_EXPORT uint64_t npyguard_field_offset(const npyguard_field* field);
NPYGUARD_EXPORT const npyguard_dtype* npyguard_field_dtype(const npyguard_field* field);
/* Subarray shape: ndim 0 for a plain field; `shape` is NULL then. */
NPYGUARD_EXPORT size_t npyguard_field_ndim(const npyguard_field* field);
NPYGUARD_EXPORT const uint64_t* npyguard_field_shape(const npyguard_field* field);
/* Bytes of the field: itemsize of its dtype x subarray elements. */
NPYGUARD_EXPORT uint64_t npyguard_field_size(const npyguard_field* field);

NPYGUARD_EXPORT const npyguard_dtype* npyguard_info_dtype(const npyguard_info* info);
/* The descr exactly as NumPy writes it in a header: "'<f8'" or "[('a', '<i4'), ...]". */
NPYGUARD_EXPORT const char* npyguard_info_descr(const npyguard_info* info);
NPYGUARD_EXPORT size_t npyguard_info_ndim(const npyguard_info* info);
/* ndim dimensions; NULL for a 0-d array (ndim 0). */
NPYGUARD_EXPORT const uint64_t* npyguard_info_shape(const npyguard_info* info);
NPYGUARD_EXPORT int npyguard_info_fortran_order(const npyguard_info* info);
NPYGUARD_EXPORT uint64_t npyguard_info_count(const npyguard_info* info);  /* elements */
NPYGUARD_EXPORT uint64_t npyguard_info_nbytes(const npyguard_info* info); /* payload bytes */
NPYGUARD_EXPORT int npyguard_info_version_major(const npyguard_info* info);
NPYGUARD_EXPORT int npyguard_info_version_minor(const npyguard_info* info);
NPYGUARD_EXPORT uint64_t npyguard_info_header_length(const npyguard_info* info);
NPYGUARD_EXPORT uint64_t npyguard_info_payload_offset(const npyguard_info* info);
/* Releases an info the caller owns (from npyguard_npz_member_info or a read's `info_out`). */
NPYGUARD_EXPORT void npyguard_info_free(npyguard_info* info);

/* Conversions while reading a payload into a caller's buffer (flags, or-ed). */
#define NPYGUARD_READ_AS_STORED 0u
#define NPYGUARD_READ_NATIVE_BYTE_ORDER 1u /* every multi-byte leaf in host byte order */
#define NPYGUARD_READ_C_ORDER 2u           /* a Fortran-ordered array in C (row-major) order */

/* ---- .npy ----------------------------------------------------------------------------------- */

/* An .npy file whose header and payload have been validated. */
typedef struct npyguard_npy npyguard_npy;

/* Opens and validates the file at `path` (opened read-only; the payload is checked with bounded
   memory and read again, from the same path, by npyguard_npy_read). */
NPYGUARD_EXPORT int npyguard_npy_open_file(const char* path, const npyguard_limits* limits,
                                           npyguard_npy** out, npyguard_error* error);
/* From an open regular file descriptor: the file is read whole into memory owned by the handle
   (the descriptor is not kept, closed or moved: read with pread). */
NPYGUARD_EXPORT int npyguard_npy_open_fd(int fd, const npyguard_limits* limits, npyguard_npy** out,
                                         npyguard_error* error);
/* From memory: the handle views `data` without copying it, so the bytes must stay valid and
   unchanged until npyguard_npy_close. */
NPYGUARD_EXPORT int npyguard_npy_open_memory(const void* data, size_t size,
                                             const npyguard_limits* limits, npyguard_npy** out,
                                             npyguard_error* error);
/* The header's metadata, borrowed from the handle. */
NPYGUARD_EXPORT const npyguard_info* npyguard_npy_info(const npyguard_npy* npy);
/* Writes the payload into `out`, which must hold exactly npyguard_info_nbytes bytes
   (array_size_mismatch otherwise, before anything is written), converted as `flags` say. On
   failure `out` may hold part of the data. `info_out` (may be NULL) receives a new info
   describing the bytes written (host byte order, C order after conversion), owned by the caller.
   A file opened by path is read again and must still say what it said when it was opened
   (io_file_changed otherwise). */
NPYGUARD_EXPORT int npyguard_npy_read(const npyguard_npy* npy, void* out, size_t out_size,
                                      unsigned flags, npyguard_info** info_out,
                                      npyguard_error* error);
NPYGUARD_EXPORT void npyguard_npy_close(npyguard_npy* npy);

/* ---- .npz ----------------------------------------------------------------------------------- */

/* An .npz archive whose whole ZIP directory has been validated; members are inflated (capped at
   their declared size, CRC-checked) and validated only when read. */
typedef struct npyguard_npz npyguard_npz;

#define NPYGUARD_METHOD_STORED 0
#define NPYGUARD_METHOD_DEFLATE 8

/* One directory entry, as npyguard_npz_member returns it. The strings are borrowed from the
   archive handle. */
typedef struct npyguard_npz_member_desc {
  const char* name; /* as stored: "arr_0.npy" */
  const char* key;  /* NumPy's key: "arr_0" */
  int method;       /* NPYGUARD_METHOD_* */
  int skipped;      /* not a .npy member, skipped under skip_non_npy_members */
  uint64_t compressed_size;
  uint64_t uncompressed_size;
  uint32_t crc32;
  uint64_t local_header_offset;
  uint64_t data_offset;
} npyguard_npz_member_desc;

/* From a path (read with pread, never mapped). */
NPYGUARD_EXPORT int npyguard_npz_open_file(const char* path, const npyguard_limits* limits,
                                           npyguard_npz** out, npyguard_error* error);
/* From an open regular file descriptor: the archive keeps its own duplicate (the caller may close
   `fd` at once) and never moves its file position. */
NPYGUARD_EXPORT int npyguard_npz_open_fd(int fd, const npyguard_limits* limits, npyguard_npz** out,
                                         npyguard_error* error);
/* From memory, viewed without copying: keep `data` valid and unchanged until the close. */
NPYGUARD_EXPORT int npyguard_npz_open_memory(const void* data, size_t size,
                                             const npyguard_limits* limits, npyguard_npz** out,
                                             npyguard_error* error);
NPYGUARD_EXPORT size_t npyguard_npz_member_count(const npyguard_npz* npz);
/* Fills `out` with member `index`; NPYGUARD_ERROR (index_out_of_range) past the end. */
NPYGUARD_EXPORT int npyguard_npz_member(const npyguard_npz* npz, size_t index,
                                        npyguard_npz_member_desc* out, npyguard_error* error);
/* The index of the member with this name or key ("x" finds "x.npy"); zip_member_not_found. */
NPYGUARD_EXPORT int npyguard_npz_find(const npyguard_npz* npz, const char* name_or_key,
                                      size_t* index, npyguard_error* error);
/* Validates member `index` (inflating it with bounded memory) and returns its info, owned by the
   caller (npyguard_info_free). */
NPYGUARD_EXPORT int npyguard_npz_member_info(const npyguard_npz* npz, size_t index,
                                             npyguard_info** out, npyguard_error* error);
/* Reads member `index` into `out` (exactly its payload size), inflated straight into the buffer
   and verified to its end (size, CRC-32) before this returns; flags and `info_out` as for
   npyguard_npy_read. */
NPYGUARD_EXPORT int npyguard_npz_read(const npyguard_npz* npz, size_t index, void* out,
                                      size_t out_size, unsigned flags, npyguard_info** info_out,
                                      npyguard_error* error);
NPYGUARD_EXPORT void npyguard_npz_close(npyguard_npz* npz);

/* ---- Writing -------------------------------------------------------------------------------- */

/* What to write: `descr` is a dtype as NumPy writes it in a header ("'<f8'", "[('x', '<i4'),
   ('y', '<f4', (2,))]") or a bare type string ("<f8"); `shape` has `ndim` dimensions (NULL when
   ndim is 0); `data` holds the payload in the stated order, exactly count x itemsize bytes. The
   dtype is parsed and checked as any input would be (object dtypes are refused). Nothing is
   kept after the call. */
typedef struct npyguard_array_desc {
  const char* descr;
  const uint64_t* shape;
  size_t ndim;
  int fortran_order;
  const void* data;
  size_t size;
} npyguard_array_desc;

/* Writes an .npy file atomically (temporary file, fsync, rename): the header is the one np.save
   writes. */
NPYGUARD_EXPORT int npyguard_write_npy_file(const char* path, const npyguard_array_desc* array,
                                            npyguard_error* error);
/* The same file in memory: `*out` receives a buffer of `*out_size` bytes owned by the caller,
   released with npyguard_free. */
NPYGUARD_EXPORT int npyguard_encode_npy(const npyguard_array_desc* array, void** out,
                                        size_t* out_size, npyguard_error* error);
/* Releases a buffer from npyguard_encode_npy; NULL is allowed. */
NPYGUARD_EXPORT void npyguard_free(void* buffer);

#define NPYGUARD_NPZ_STORED 0  /* like numpy.savez */
#define NPYGUARD_NPZ_DEFLATE 1 /* like numpy.savez_compressed */

/* Writes an .npz one member at a time, atomically: nothing appears at `path` until commit
   succeeds. The first failing add or commit fails the writer for good (writer_failed after). */
typedef struct npyguard_npz_writer npyguard_npz_writer;

/* `compression` NPYGUARD_NPZ_*, `level` the zlib level 1..9 for deflate (0: 6, NumPy's). */
NPYGUARD_EXPORT int npyguard_npz_writer_create(const char* path, int compression, int level,
                                               npyguard_npz_writer** out, npyguard_error* error);
/* Adds member "<key>.npy"; keys must be safe member names and unique. */
NPYGUARD_EXPORT int npyguard_npz_writer_add(npyguard_npz_writer* writer, const char* key,
                                            const npyguard_array_desc* array,
                                            npyguard_error* error);
NPYGUARD_EXPORT int npyguard_npz_writer_commit(npyguard_npz_writer* writer, npyguard_error* error);
/* Releases the writer; an uncommitted archive is discarded (the target is untouched). */
NPYGUARD_EXPORT void npyguard_npz_writer_free(npyguard_npz_writer* writer);

/* NOLINTEND(readability-identifier-naming) */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NPYGUARD_NPYGUARD_C_H_ */
