# SPDX-License-Identifier: Apache-2.0
# check: accepted and rejected files together, an option after the operands, exit 1
cd "$2" || exit 99
"$1" check samples/temperatures.npy samples/pickled_objects.npy samples/huge_shape.npy tests/fixtures/npy/rec_nested_3.npy --max-ndim 8
