# SPDX-License-Identifier: Apache-2.0
# bash completion (scripts/bash_completion/npyguard): commands, each command's options as its
# own help lists them, file names for operands and for --files-from, nothing after options that
# take a number.
cd "$2" || exit 99
source scripts/bash_completion/npyguard
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_WORDS[0]=$bin
  _npyguard
  printf '%s|' "${@:1}" | sed "s|^[^|]*|npyguard|"
  echo " -> ${COMPREPLY[*]}"
}
bin=$1
complete_line npyguard ''
complete_line npyguard ch
complete_line npyguard help s
complete_line npyguard check --fi
complete_line npyguard check --no-
complete_line npyguard check --max-b
complete_line npyguard check --max-bytes ''
complete_line npyguard check --files-from samples/temp
complete_line npyguard inspect --j
complete_line npyguard sanitize --in
complete_line npyguard sanitize samples/pickled
# Every option the help of check lists is offered: none is lost by the parsing.
listed=$("$bin" help check | grep -oE '^  -[^ ]+' | tr -d ' ,' | sort -u)
COMP_WORDS=("$bin" check -); COMP_CWORD=2; _npyguard
missing=$(comm -23 <(printf '%s\n' $listed) <(printf '%s\n' "${COMPREPLY[@]}" | sort -u))
echo "check options missing from completion: ${missing:-none}"
