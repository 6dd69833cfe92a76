# SPDX-License-Identifier: Apache-2.0
# inspect: integer titles as numbers and bytes titles as {"bytes_hex"} in JSON, as NumPy's repr in
# the text table; a field whose type is a subarray shows its combined shape
cd "$2" || exit 99
"$1" inspect --json corpus/regressions/fuzz_npy/2026-12-02-title-integer.npy
echo "exit=$?"
"$1" inspect --json corpus/regressions/fuzz_npy/2026-12-02-title-bytes.npy
echo "exit=$?"
"$1" inspect corpus/regressions/fuzz_npy/2026-12-02-title-bytes.npy
echo "exit=$?"
"$1" inspect corpus/regressions/fuzz_npy/2026-12-02-field-type-is-a-subarray.npy
