# SPDX-License-Identifier: Apache-2.0
# --version prints the library version, then the zlib, libdeflate and RE2 versions it was built
# with (one per line; the numbers depend on the machine, so only the names are compared)
cd "$2" || exit 99
"$1" --version > /tmp/npyguard-version.$$ || exit 1
head -n 1 /tmp/npyguard-version.$$
tail -n +2 /tmp/npyguard-version.$$ | cut -d' ' -f1
rm -f /tmp/npyguard-version.$$
