# SPDX-License-Identifier: Apache-2.0
# the amplification budget: by default an archive declaring 4 GiB in 722 bytes is refused by
# check, inspect, sanitize and on standard input; 16 MiB of zeros in 16 KB passes the default
# 1 GiB floor, is refused under a lowered floor, and --max-amplification loosens that again
cd "$2" || exit 99
bomb=corpus/expect/fail_archive_amplification_exceeded__4_gib_declared_in_1_kib.npz
zeros=corpus/expect/pass_deflate_zeros_16_mib.npz
"$1" check "$bomb"
echo "exit=$?"
# on standard input the stream screen stops the copy first: the declared data never arrives
"$1" check - < "$bomb"
echo "exit=$?"
"$1" inspect "$bomb"
echo "exit=$?"
out="$(mktemp -d "${TMPDIR:-/tmp}/npyguard-amplification.XXXXXX")"
"$1" sanitize "$bomb" "$out/copy.npz"
echo "exit=$?"
ls "$out"
rm -rf "$out"
# 6,000,000 x 722 bytes is more than 4 GiB: the budget passes and the missing data is found
"$1" check --max-amplification 6000000 "$bomb"
echo "exit=$?"
"$1" check "$zeros"
echo "exit=$?"
"$1" check --amplification-floor 1M "$zeros"
echo "exit=$?"
"$1" check --amplification-floor 1M - < "$zeros"
echo "exit=$?"
"$1" check --json --amplification-floor=1M "$zeros"
echo "exit=$?"
"$1" check --amplification-floor 1M --max-amplification 1100 "$zeros"
echo "exit=$?"
# factor 0: the floor alone
"$1" check --max-amplification 0 --amplification-floor 16M "$zeros"
echo "exit=$?"
"$1" check --max-amplification 0 --amplification-floor 17M "$zeros"
echo "exit=$?"
"$1" check --max-amplification 0 --amplification-floor 0 "$zeros"
echo "exit=$?"
"$1" check --max-amplification 4294967296 "$zeros"
