# SPDX-License-Identifier: Apache-2.0
# check: valid files (plain and structured) print FILE: ok and exit 0
cd "$2" || exit 99
"$1" check samples/temperatures.npy tests/fixtures/npy/rec_simple_4.npy
