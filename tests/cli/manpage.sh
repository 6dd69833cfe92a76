# SPDX-License-Identifier: Apache-2.0
# The man page (scripts/make_manpage.py, built and installed as npyguard.1) is laid out from the
# help texts: groff finds nothing to warn about, and every option any command's help lists is a
# tagged entry of the page.
cd "$2" || exit 99
bin=$1
page=$(mktemp "${TMPDIR:-/tmp}/npyguard-man.XXXXXX")
trap 'rm -f "$page"' EXIT
/usr/bin/python3 scripts/make_manpage.py "$bin" "$page" || exit 1
echo "groff warnings: $(groff -man -ww -z "$page" 2>&1 | wc -l)"
grep -E '^\.(TH|SH)' "$page" | sed 's/"npyguard [0-9.]*"/"npyguard VERSION"/'
for cmd in check inspect sanitize; do
  listed=$("$bin" help "$cmd" | grep -oE '^  -[^ ]+' | tr -d ' ,' | sort -u)
  missing=""
  for option in $listed; do
    grep -q -- "^\\\\fB.*${option//-/\\\\-}" "$page" || missing="$missing $option"
  done
  echo "$cmd options missing from the page:${missing:- none}"
done
echo "--- rendered"
MANWIDTH=80 man -l "$page" 2>/dev/null | sed -n '1,12p' | sed 's/npyguard [0-9.]*  /npyguard VERSION/'
