#!/usr/bin/env bash
# Benchmark: whole-process `briefing build` against `cp -r` of the same sources.
#
# Usage, from the repository root:
#
#   bash benches/run.sh
#
# What it does, in one run (about 2-4 minutes on a 2-core machine, most of it
# compiling on the first run):
#   1. builds the release binary and the corpus generator
#      (`cargo build --release --bin briefing --example gen_corpus`), and the
#      "bare loop" baseline in benches/baseline/ (pulldown-cmark + tera + rayon,
#      no notes, no YAML, no glossary) unless BASELINE=0;
#   2. generates corpora with examples/gen_corpus.rs into a tmpfs folder
#      (/dev/shm if present): N = 1, 100, 1000 briefings of 12 notes each, and
#      the stress case, one article with 10,000 notes; checks each builds with
#      no errors and no warnings (`briefing check`);
#   3. times each case with hyperfine (median of at least 5 runs after one
#      warm-up, the output folder deleted before each run with --prepare):
#        briefing build --root DIR --output OUT     (whole process)
#        cp -r DIR/content OUT2                     (a floor: touch every file)
#        briefing-bench-baseline DIR OUT3           (the bare loop, if built)
#      Without hyperfine (and no root to apt-get it) it falls back to a loop
#      timed with `date +%s%N`, reporting the median of RUNS runs;
#   4. measures peak memory (maximum resident set size) with /usr/bin/time -v,
#      the largest of 3 runs;
#   5. checks the N = 1000 output has 1,000 pages plus the index, glossary,
#      topics, timeline and search pages;
#   6. writes the results table, the machine it ran on and the targets from
#      issue 9 into BENCHMARKS.md, between the `bench:begin`/`bench:end`
#      markers (the rest of the file, e.g. profile findings, is kept).
#
# Environment:
#   BENCH_DIR=/path   where to put corpora and outputs, kept afterwards
#                     (default: a fresh folder under /dev/shm, else under
#                     $TMPDIR, removed at exit unless KEEP=1)
#   RUNS=n            minimum runs per command (default 5)
#   BASELINE=0        skip the bare pulldown-cmark + tera baseline
#   NO_WRITE=1        print the table, leave BENCHMARKS.md alone
#
# Targets (issue 9; ratios measured side by side in this run, since absolute
# times vary 2x between machines):
#   N = 1000: build <= 4 x cp -r;  peak memory <= 60 MiB
#   N = 1:    build <= 2 x the bare pulldown-cmark + tera loop
#   one article with 10,000 notes: build <= 1 s

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
RUNS=${RUNS:-5}
BASELINE=${BASELINE:-1}
MD="$ROOT/BENCHMARKS.md"

log() { printf '==> %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools

apt_install() {
    # Installs Debian packages if we are root and apt-get exists; quietly does
    # nothing otherwise (the caller falls back).
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing $*"
        if ! apt-get install -y -qq "$@" >/dev/null 2>&1; then
            apt-get update -qq >/dev/null 2>&1 || true
            apt-get install -y -qq "$@" >/dev/null 2>&1 || true
        fi
    fi
}

command -v hyperfine >/dev/null || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time
HAVE_HYPERFINE=0
command -v hyperfine >/dev/null && HAVE_HYPERFINE=1
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1
[ "$HAVE_HYPERFINE" = 1 ] || log "hyperfine not available: timing with a date +%s%N loop"
[ "$HAVE_TIME" = 1 ] || log "/usr/bin/time not available: peak memory not measured"

# ---------------------------------------------------------------- build

log "building the release binary and the corpus generator"
cargo build --release --quiet --bin briefing --example gen_corpus
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
TARGET_DIR=${TARGET_DIR:-$ROOT/target}
BIN="$TARGET_DIR/release/briefing"
GEN="$TARGET_DIR/release/examples/gen_corpus"
BASE_BIN=""
if [ "$BASELINE" = 1 ]; then
    log "building the bare pulldown-cmark + tera baseline (benches/baseline)"
    if cargo build --release --quiet --manifest-path benches/baseline/Cargo.toml \
        --target-dir "$TARGET_DIR/bench-baseline"; then
        BASE_BIN="$TARGET_DIR/bench-baseline/release/briefing-bench-baseline"
    else
        log "baseline did not build; going on without it"
    fi
fi

# ---------------------------------------------------------------- corpora

if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR"
    WORK=$(cd "$BENCH_DIR" && pwd)
else
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        WORK=$(mktemp -d /dev/shm/briefing-bench.XXXXXX)
    else
        WORK=$(mktemp -d "${TMPDIR:-/tmp}/briefing-bench.XXXXXX")
    fi
    if [ "${KEEP:-0}" != 1 ]; then
        trap 'rm -rf "$WORK"' EXIT
    fi
fi
log "working in $WORK ($(df -hT "$WORK" | awk 'NR==2 {print $2}'))"

# case name | generator arguments
CASES=(
    "n1|--briefings 1"
    "n100|--briefings 100"
    "n1000|--briefings 1000"
    "notes10k|--briefings 1 --notes-per-briefing 10000"
)

for c in "${CASES[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    # shellcheck disable=SC2086
    "$GEN" $args --out "$WORK/$name" 2>/dev/null
    check=$("$BIN" check --root "$WORK/$name" 2>&1 | tail -n 1)
    if [ "$check" != "check passed: 0 warnings" ]; then
        echo "corpus $name does not check cleanly: $check" >&2
        exit 1
    fi
done
log "corpora generated and checked (0 errors, 0 warnings)"

# ---------------------------------------------------------------- timing

# Prints the median and the fastest wall time in ms of a command, output folder removed first.
#   time_cmd OUTDIR CMD...
time_loop() {
    local out=$1
    shift
    local i t0 t1 times=()
    for ((i = 0; i <= RUNS * 2; i++)); do
        rm -rf "$out"
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        # the first run is a warm-up
        [ "$i" = 0 ] || times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f %.2f\n", m / 1000, a[1] / 1000}'
}

# Times the commands of one case side by side. Prints "label median_ms min_ms" lines.
#   time_case NAME LABEL:OUTDIR:CMD ...
time_case() {
    local name=$1
    shift
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        local hf=(hyperfine --style none --warmup 1 --min-runs "$RUNS" --max-runs 100 -N
            --export-csv "$WORK/$name.csv")
        local spec label out cmd
        for spec in "$@"; do
            IFS=: read -r label out cmd <<<"$spec"
            hf+=(--prepare "rm -rf $out" --command-name "$label" "$cmd")
        done
        "${hf[@]}" >"$WORK/$name.hyperfine.txt" 2>&1 || {
            cat "$WORK/$name.hyperfine.txt" >&2
            exit 1
        }
        # command,mean,stddev,median,user,system,min,max (seconds)
        awk -F, 'NR > 1 {printf "%s %.2f %.2f\n", $1, $4 * 1000, $7 * 1000}' "$WORK/$name.csv"
    else
        local spec label out cmd
        for spec in "$@"; do
            IFS=: read -r label out cmd <<<"$spec"
            # shellcheck disable=SC2086
            echo "$label $(time_loop "$out" $cmd)"
        done
    fi
}

# Peak RSS in KiB (largest of 3 runs), or "-".
#   peak_kib OUTDIR CMD...
peak_kib() {
    local out=$1
    shift
    if [ "$HAVE_TIME" != 1 ]; then
        echo -
        return
    fi
    local i best=0 kib
    for i in 1 2 3; do
        rm -rf "$out"
        kib=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
        [ "${kib:-0}" -gt "$best" ] && best=$kib
    done
    echo "$best"
}

mib() { [ "$1" = - ] && echo - || awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1f", a / b; else print "-"}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; }

declare -A BUILD CP BARE MIN_BUILD MIN_CP MIN_BARE RSS_BUILD RSS_CP RSS_BARE FILES KB
for c in "${CASES[@]}"; do
    name=${c%%|*}
    dir="$WORK/$name"
    FILES[$name]=$(find "$dir/content" -type f ! -name '.*' | wc -l)
    KB[$name]=$(du -sk --apparent-size --exclude='.*' "$dir/content" | awk '{print $1}')
    specs=("build:$WORK/out-$name:$BIN build --quiet --root $dir --output $WORK/out-$name"
        "cp:$WORK/cp-$name:cp -r $dir/content $WORK/cp-$name")
    [ -n "$BASE_BIN" ] && specs+=("bare:$WORK/bare-$name:$BASE_BIN $dir $WORK/bare-$name")
    log "timing $name (${FILES[$name]} files, ${KB[$name]} KiB)"
    while read -r label ms min; do
        case $label in
            build) BUILD[$name]=$ms MIN_BUILD[$name]=$min ;;
            cp) CP[$name]=$ms MIN_CP[$name]=$min ;;
            bare) BARE[$name]=$ms MIN_BARE[$name]=$min ;;
        esac
    done < <(time_case "$name" "${specs[@]}")
    RSS_BUILD[$name]=$(peak_kib "$WORK/out-$name" "$BIN" build --quiet --root "$dir" --output "$WORK/out-$name")
    RSS_CP[$name]=$(peak_kib "$WORK/cp-$name" cp -r "$dir/content" "$WORK/cp-$name")
    if [ -n "$BASE_BIN" ]; then
        RSS_BARE[$name]=$(peak_kib "$WORK/bare-$name" "$BASE_BIN" "$dir" "$WORK/bare-$name")
    fi
    printf '    build %s ms, cp -r %s ms, bare loop %s ms; build peak RSS %s MiB\n' \
        "${BUILD[$name]}" "${CP[$name]}" "${BARE[$name]:--}" "$(mib "${RSS_BUILD[$name]}")" >&2
done

# Acceptance 3: 1,000 pages plus the index, the glossary, the topics index, the
# corpus's 6 topic pages, the timeline and the search page (issue 17).
pages=$(find "$WORK/out-n1000" -name index.html | wc -l)
if [ "$pages" != 1011 ]; then
    echo "expected 1011 index.html files for N = 1000, found $pages" >&2
    exit 1
fi
# ... all with working note and glossary links.
python3 "$(dirname "$0")/check_links.py" "$WORK/out-n1000" >&2 || exit 1

# ---------------------------------------------------------------- report

verdict() { if le "$1" "$2"; then echo "**met**"; else echo "**not met**"; fi; }

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo unknown)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock templates 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes in src/"
fi
fs=$(df -hT "$WORK" | awk 'NR==2 {print $2}')
if [ "$HAVE_HYPERFINE" = 1 ]; then
    timer="$(hyperfine --version), median of >= $RUNS runs after 1 warm-up, output deleted before each run (--prepare), no shell (-N)"
else
    timer="date +%s%N loop, median of $((RUNS * 2)) runs after 1 warm-up, output deleted before each run"
fi

row() {
    local name=$1 label=$2
    local b=${BUILD[$name]} c=${CP[$name]} bare=${BARE[$name]:-}
    printf '| %s | %s files, %s KiB | %s (%s) | %s (%s) | %s× | %s | %s | %s | %s |\n' \
        "$label" "${FILES[$name]}" "${KB[$name]}" "$b" "${MIN_BUILD[$name]}" "$c" "${MIN_CP[$name]}" "$(ratio "$b" "$c")" \
        "$([ -n "$bare" ] && echo "$bare (${MIN_BARE[$name]})" || echo -)" "$([ -n "$bare" ] && echo "$(ratio "$b" "$bare")×" || echo -)" \
        "$(mib "${RSS_BUILD[$name]}")" "$(mib "${RSS_BARE[$name]:--}")"
}

table=$(
    echo "Run \`bash benches/run.sh\` to refresh this section."
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Machine: $(nproc) cores, $cpu, $mem memory, $(uname -sr)"
    echo "- Toolchain: $(rustc --version)"
    echo "- Code: commit $commit"
    echo "- Corpora: \`examples/gen_corpus.rs\` on $fs ($WORK)"
    echo "- Timing: $timer"
    echo "- Peak memory: maximum resident set size from \`/usr/bin/time -v\`, largest of 3 runs"
    echo
    echo "Times are medians in ms, the fastest run in parentheses; ratios are of medians."
    echo
    echo "| case | sources | build (ms) | \`cp -r\` (ms) | build / cp | bare loop (ms) | build / bare | build peak RSS (MiB) | bare peak RSS (MiB) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    row n1 "N = 1"
    row n100 "N = 100"
    row n1000 "N = 1000"
    row notes10k "1 article, 10,000 notes"
    echo
    echo "| target (issue 9) | measured | verdict |"
    echo "| --- | --- | --- |"
    r=$(ratio "${BUILD[n1000]}" "${CP[n1000]}")
    echo "| N = 1000: build ≤ 4 × \`cp -r\` | ${r}× (${BUILD[n1000]} ms vs ${CP[n1000]} ms) | $(verdict "$r" 4) |"
    if [ "${RSS_BUILD[n1000]}" != - ]; then
        m=$(mib "${RSS_BUILD[n1000]}")
        echo "| N = 1000: peak memory ≤ 60 MiB | $m MiB | $(verdict "$m" 60) |"
    fi
    if [ -n "${BARE[n1]:-}" ]; then
        r=$(ratio "${BUILD[n1]}" "${BARE[n1]}")
        echo "| N = 1: build ≤ 2 × bare pulldown-cmark + tera loop | ${r}× (${BUILD[n1]} ms vs ${BARE[n1]} ms) | $(verdict "$r" 2) |"
    fi
    echo "| 1 article, 10,000 notes: build ≤ 1 s | ${BUILD[notes10k]} ms | $(verdict "${BUILD[notes10k]}" 1000) |"
)

echo
echo "$table"

if [ "${NO_WRITE:-0}" != 1 ]; then
    begin='<!-- bench:begin (written by benches/run.sh) -->'
    end='<!-- bench:end -->'
    if [ ! -f "$MD" ]; then
        printf '# Benchmarks\n\n## Latest run\n\n%s\n%s\n' "$begin" "$end" >"$MD"
    elif ! grep -qF "$begin" "$MD"; then
        printf '\n## Latest run\n\n%s\n%s\n' "$begin" "$end" >>"$MD"
    fi
    tmp=$(mktemp)
    printf '%s\n' "$table" >"$tmp.table"
    awk -v b="$begin" -v e="$end" -v f="$tmp.table" '
        $0 == b {print; while ((getline line < f) > 0) print line; skip = 1; next}
        $0 == e {skip = 0}
        !skip {print}' "$MD" >"$tmp"
    mv "$tmp" "$MD"
    rm -f "$tmp.table"
    log "wrote the results to BENCHMARKS.md"
fi
