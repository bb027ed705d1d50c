#!/usr/bin/env bash
# Times this checkout's `briefing build` against an earlier commit's, on the
# 1,000-briefing corpus that the earlier commit's own generator writes (a
# newer generator writes fields an older build rejects). This is how issue 12
# asks "is the N = 1000 build slower than before the pipeline work?":
#
#   bash benches/against.sh              # against f7cf36bb, the end of the first wave
#   bash benches/against.sh <commit>     # against another commit
#
# It builds both release binaries (the earlier one from `git archive` under the
# scratch folder, with its own target folder: a few minutes the first time,
# and about 1 GB in the scratch folder, which is in memory when it is /dev/shm),
# writes the corpus there, builds it once with each binary to show what each
# writes (the pages grew since, so the two builds do not do the same work),
# then times RUNS rounds (default 7) of both builds in alternating order,
# output deleted before each run, today's with `--no-cache` (the earlier
# commit had no cache). Prints the median and the spread of wall time, user and
# system CPU, and the largest peak memory. Needs GNU time (/usr/bin/time).
#
# Environment: RUNS=n (rounds, default 7), N=n (briefings, default 1000),
# SCRATCH=/path (kept between runs, so the earlier build is compiled once;
# default /dev/shm/briefing-against or $TMPDIR).

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BEFORE=$(git rev-parse --verify "${1:-f7cf36bb}^{commit}")
SHORT=${BEFORE:0:8}
RUNS=${RUNS:-7}
N=${N:-1000}
if [ -d /dev/shm ]; then
    SCRATCH=${SCRATCH:-/dev/shm/briefing-against}
else
    SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/briefing-against}
fi
mkdir -p "$SCRATCH"

echo "building this checkout ($(git rev-parse --short HEAD))…"
cargo build --release --quiet --bin briefing
cp target/release/briefing "$SCRATCH/now"

# Each step leaves its result under its final name only once it is complete,
# so an interrupted run starts that step again.
before_tree="$SCRATCH/tree-$SHORT"
if [ ! -x "$SCRATCH/before-$SHORT" ]; then
    echo "building $SHORT in $before_tree…"
    rm -rf "$before_tree" && mkdir -p "$before_tree"
    git archive "$BEFORE" | tar -x -C "$before_tree"
    (cd "$before_tree" && cargo build --release --quiet --bin briefing --example gen_corpus)
    cp "$before_tree/target/release/examples/gen_corpus" "$SCRATCH/gen-$SHORT"
    cp "$before_tree/target/release/briefing" "$SCRATCH/before-$SHORT.part"
    mv "$SCRATCH/before-$SHORT.part" "$SCRATCH/before-$SHORT"
fi

corpus="$SCRATCH/corpus-$SHORT-$N"
if [ ! -d "$corpus" ]; then
    rm -rf "$corpus.part"
    "$SCRATCH/gen-$SHORT" --briefings "$N" --out "$corpus.part" >/dev/null
    mv "$corpus.part" "$corpus"
fi

run() { # name binary extra-args…: one timed build, output deleted first
    local name=$1 bin=$2
    shift 2
    rm -rf "$SCRATCH/out-$name" "$corpus/.briefing-cache"
    if ! /usr/bin/time -o "$SCRATCH/time" -f "%e %U %S %M" \
        "$bin" build --root "$corpus" --output "$SCRATCH/out-$name" --quiet "$@" \
        >/dev/null 2>"$SCRATCH/stderr"; then
        echo "the $name build failed:" >&2
        cat "$SCRATCH/stderr" >&2
        exit 1
    fi
    echo "$name $(cat "$SCRATCH/time")" >>"$SCRATCH/times"
}

# One build each first, to see what each writes (the pages grew since).
run before "$SCRATCH/before-$SHORT"
run now "$SCRATCH/now" --no-cache
for name in before now; do
    echo "$name writes $(find "$SCRATCH/out-$name" -type f | wc -l) files, $(du -sk "$SCRATCH/out-$name" | cut -f1) KiB"
done

: >"$SCRATCH/times"
for round in $(seq "$RUNS"); do
    if [ $((round % 2)) = 1 ]; then
        run before "$SCRATCH/before-$SHORT"
        run now "$SCRATCH/now" --no-cache
    else
        run now "$SCRATCH/now" --no-cache
        run before "$SCRATCH/before-$SHORT"
    fi
done

echo
echo "N = $N briefings (corpus of $SHORT's gen_corpus), $RUNS rounds, medians (fastest–slowest):"
median() { # column of the times file for one name → "median (fastest–slowest)"
    awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$SCRATCH/times" | sort -n |
        awk '{ v[NR] = $1 } END { printf "%.2f (%.2f–%.2f)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
for name in before now; do
    label=$SHORT
    if [ "$name" = now ]; then label=$(git rev-parse --short HEAD); fi
    peak=$(awk -v n="$name" '$1 == n && $5 > m { m = $5 } END { printf "%.1f", m / 1024 }' "$SCRATCH/times")
    echo "  $label: wall $(median "$name" 2) s, user $(median "$name" 3) s, sys $(median "$name" 4) s, peak $peak MiB"
done
