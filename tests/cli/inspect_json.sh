# SPDX-License-Identifier: Apache-2.0
# inspect --json: one object with a nested fields array; names are JSON-escaped
cd "$2" || exit 99
"$1" inspect --json tests/fixtures/npy/rec_nested_in_subarray_2.npy
echo "exit=$?"
"$1" inspect --json tests/fixtures/npy/rec_titles_3.npy
echo "exit=$?"
"$1" inspect --json tests/fixtures/npy/rec_fieldname_quotes_2.npy
