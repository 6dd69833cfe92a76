# SPDX-License-Identifier: Apache-2.0
# inspect: human-readable description of plain, long double and structured files
cd "$2" || exit 99
"$1" inspect samples/temperatures.npy
echo "exit=$?"
"$1" inspect tests/fixtures/npy/c32_le_14.npy
echo "exit=$?"
"$1" inspect tests/fixtures/npy/rec_nested_in_subarray_2.npy
echo "exit=$?"
"$1" inspect tests/fixtures/npy/rec_titles_3.npy
echo "exit=$?"
"$1" inspect tests/fixtures/npy/rec_nested_3.npy
