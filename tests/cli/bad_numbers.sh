# SPDX-License-Identifier: Apache-2.0
# limit values are parsed strictly: junk, sign, overflow and bad suffix are usage errors
cd "$2" || exit 99
"$1" check --max-bytes 64MB samples/temperatures.npy
echo "exit=$?"
"$1" check --max-ndim -1 samples/temperatures.npy
echo "exit=$?"
"$1" check --max-ndim 4294967296 samples/temperatures.npy
echo "exit=$?"
"$1" check --max-bytes 18446744073709551616 samples/temperatures.npy
echo "exit=$?"
"$1" check --max-header-bytes 0 samples/temperatures.npy
echo "exit=$?"
"$1" check samples/temperatures.npy --max-fields
