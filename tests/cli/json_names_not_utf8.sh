#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Names that are not UTF-8 reach --json output reversibly (docs/json-output.md): "file" holds
# U+FFFD for each byte outside well-formed UTF-8 and "file_hex" the exact bytes, present only
# then; likewise "output" for sanitize and "member" for a member name an archive was refused
# for. Python's json module parses every line and gets the exact bytes back; text output shows
# such bytes as \xNN.
cd "$2" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
bad=$(printf 'caf\xe9-\x01-\xed\xa0\x80.npy')  # latin-1 e-acute, a control byte, a surrogate
cp samples/temperatures.npy "$tmp/$bad"
cp samples/temperatures.npy "$tmp/été.npy"
cd "$tmp" || exit 99
"$1" check --json "$bad" "été.npy" "missing-$bad" > check.jsonl 2> check.err
echo "check exit=$?"
"$1" sanitize --json "$bad" "out-$bad" > sanitize.jsonl
echo "sanitize exit=$?"
"$1" check --json "$2/corpus/expect/fail_zip_unsafe_name__invalid_utf8.npz" > member.jsonl
echo "member exit=$?"
grep -o '"file": "[^"]*", "file_hex": "[^"]*"' check.jsonl
"$1" check "$bad" "$2/corpus/expect/fail_zip_unsafe_name__invalid_utf8.npz" | sed "s#$2/##"
"$1" check "missing-$bad" 2>&1
/usr/bin/python3 - "$bad" <<'PY'
import json, os, sys
bad = os.fsencode(sys.argv[1])
def exact(obj, key):
    """The exact bytes of a name: from key_hex when present, else the UTF-8 of key."""
    if key + "_hex" in obj:
        raw = bytes.fromhex(obj[key + "_hex"])
        assert obj[key] == raw.decode("utf-8", "replace"), obj
        return raw
    return obj[key].encode("utf-8")
for path in ["check.jsonl", "sanitize.jsonl", "member.jsonl"]:
    with open(path, "rb") as f:
        for line in f.read().decode("utf-8").splitlines():  # strict: output is valid UTF-8
            obj = json.loads(line)
            assert list(obj)[0] == "schema" and obj["schema"] == 1, obj
            name = exact(obj, "file")
            shown = os.path.basename(name)
            keys = sorted(k for k in obj if k.endswith("_hex"))
            print(path, repr(shown), "ok" if obj["ok"] else obj["error"]["name"], keys)
            if name.endswith(bad):
                assert name in (bad, b"missing-" + bad), name
            if "output" in obj:
                assert exact(obj, "output") == b"out-" + bad
                assert os.path.exists(exact(obj, "output"))
                print("  output", repr(exact(obj, "output")))
            error = obj.get("error") or {}
            if error.get("member") is not None:
                print("  member", repr(exact(error, "member")), sorted(error))
PY
echo "python exit=$?"
