# SPDX-License-Identifier: Apache-2.0
# check --max-bytes: K and T suffixes are powers of 1024 (payload 361200 bytes; huge_shape declares 8 TiB)
cd "$2" || exit 99
"$1" check --max-bytes 352K tests/fixtures/npy/f4_le_300x301.npy
echo "exit=$?"
"$1" check tests/fixtures/npy/f4_le_300x301.npy --max-bytes=353K
echo "exit=$?"
"$1" check --max-bytes 7T samples/huge_shape.npy
echo "exit=$?"
"$1" check --max-bytes 8T samples/huge_shape.npy
