# SPDX-License-Identifier: Apache-2.0
# check: each policy toggle and count limit refuses exactly what it names
cd "$2" || exit 99
"$1" check --no-structured --no-fortran --no-big-endian --strict-alignment tests/fixtures/npy/rec_simple_4.npy tests/fixtures/npy/f8_le_3x4_fortran.npy tests/fixtures/npy/u2_be_2x5.npy tests/fixtures/npy/legacy_v1_align16.npy samples/temperatures.npy
echo "exit=$?"
"$1" check --max-ndim 1 samples/temperatures.npy tests/fixtures/npy/c8_le_12.npy
echo "exit=$?"
"$1" check --max-fields 2 tests/fixtures/npy/rec_simple_4.npy tests/fixtures/npy/rec_titles_3.npy
echo "exit=$?"
"$1" check --max-dtype-depth 2 tests/fixtures/npy/rec_nested_3.npy tests/fixtures/npy/rec_nested_in_subarray_2.npy
echo "exit=$?"
"$1" check --max-header-bytes 100 samples/temperatures.npy
echo "exit=$?"
"$1" check --max-header-chars 100 samples/temperatures.npy
