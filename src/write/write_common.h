// SPDX-License-Identifier: Apache-2.0
// What the .npy and .npz writers share: their error shape, the payload size check and the
// re-read verdict on a finished output.
#pragma once

#include <cstdint>

#include "io/atomic_file.h"
#include "npyguard/writer.h"

namespace npyguard::detail {

Error writer_error(ErrorCode code, const char* detail);

// shape x itemsize, which must be exactly the payload's size (overflow refused).
Result<uint64_t> checked_nbytes(const ArrayRef& array);

// The canonical header and then the payload.
Status write_npy_to(ByteSink& sink, const ArrayRef& array);

// The reader's refusal of a finished output, reported as the output's: same detail, numbers,
// offset and member, so the caller learns which rule the canonical form broke.
Error output_rejected(const Error& reader_error);

}  // namespace npyguard::detail
