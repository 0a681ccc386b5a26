#!/usr/bin/env bash
# Re-record the byte-identity corpus (tests/corpus/commands.txt) from a quota binary:
#
#   tests/corpus/regenerate.sh PATH/TO/quota [OUT_DIR]
#
# Writes OUT_DIR (default tests/corpus/expected, replaced as a whole; any other OUT_DIR must
# not exist yet) with, per invocation ID: ID.code, ID.stdout, ID.stderr (when non-empty or the
# exit code is not 0) and ID.files/ (what the command wrote under {out}). Review the diff
# before committing it: every changed byte is a changed output. tests/output_corpus.rs runs the
# same invocations with the same normalisation and compares. To check determinism, record into
# a scratch directory and compare: regenerate.sh BIN /tmp/x && diff -r tests/corpus/expected /tmp/x
set -euo pipefail
export LC_ALL=C
unset CLICOLOR_FORCE # clap would colour its messages even into a pipe (as tests/output_corpus.rs)

bin=${1:?usage: tests/corpus/regenerate.sh PATH/TO/quota [OUT_DIR]}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[[ -x $bin ]] || { echo "not an executable: $bin" >&2; exit 1; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
expected=$root/tests/corpus/expected
dest=${2:-$expected}
mkdir -p "$(dirname "$dest")"
dest=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")
if [[ $dest == "$expected" ]]; then
    rm -rf "$expected"
elif [[ -e $dest ]]; then
    echo "$dest exists; give a new directory" >&2
    exit 1
fi
mkdir -p "$dest"

# The binary runs as `quota` (clap prints argv[0]'s file name in help and usage messages).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ln -s "$bin" "$scratch/quota"

# Same rules as normalise() in tests/output_corpus.rs.
normalise() {
    sed -e "s|$1|{out}|g" -e 's/ scenarios in [0-9]*\.[0-9]* s)/ scenarios in {secs} s)/g'
}

cd "$root"
n=0
start=$(date +%s.%N)
while IFS= read -r line; do
    [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
    id=$(echo "${line%%|*}" | tr -d '[:space:]')
    [[ $id =~ ^[a-z0-9-]+$ && ! -e $dest/$id.code ]] || { echo "bad or repeated id: $line" >&2; exit 1; }
    read -r -a args <<< "${line#*|}"
    out=$scratch/out-$id
    mkdir "$out"
    args=("${args[@]//\{out\}/$out}")
    code=0
    "$scratch/quota" "${args[@]}" > "$scratch/stdout" 2> "$scratch/stderr" < /dev/null || code=$?
    echo "$code" > "$dest/$id.code"
    normalise "$out" < "$scratch/stdout" > "$dest/$id.stdout"
    if [[ -s $scratch/stderr || $code != 0 ]]; then
        normalise "$out" < "$scratch/stderr" > "$dest/$id.stderr"
    fi
    if [[ -n $(ls -A "$out") ]]; then
        cp -R "$out" "$dest/$id.files"
    fi
    n=$((n + 1))
done < "$root/tests/corpus/commands.txt"
echo "recorded $n invocations into $dest in $(awk "BEGIN { print $(date +%s.%N) - $start }") s" >&2
