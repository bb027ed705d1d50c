#!/usr/bin/env bash
# Benchmark: whole-process `briefing build` against `cp -r` of the same sources,
# against Zola on the same plain articles, and one-shot rebuilds after an edit.
#
# Usage, from the repository root:
#
#   bash benches/run.sh
#   ZOLA=/path/to/zola bash benches/run.sh     # also time Zola on the plain workload
#
# What it does, in one run (about 3-5 minutes on a 2-core machine, plus
# compiling on the first run):
#   1. builds the release binary and the corpus generator
#      (`cargo build --release --bin briefing --example gen_corpus`), and the
#      "bare loop" baseline in benches/baseline/ (pulldown-cmark + tera + rayon,
#      no notes, no YAML, no glossary) unless BASELINE=0;
#   2. generates corpora with examples/gen_corpus.rs into a tmpfs folder
#      (/dev/shm if present) and checks each builds with no errors and no
#      warnings (`briefing check`):
#        annotated: N = 1, 100, 1000 briefings of 12 notes each, and the
#                   stress case, one article with 10,000 notes;
#        plain:     N = 1 and 1000 plain articles with 12 Markdown footnotes
#                   each (`--plain`: one folder per article, no notes, empty
#                   glossary), and the same articles as a Zola site (`--zola`);
#   3. times each case: RUNS rounds (default 7) after one warm-up round; in
#      every round each command of the case runs once, in an order that
#      rotates from round to round, so the commands compared share the
#      machine's load of that moment (paired runs). Each run is timed by
#      hyperfine (`--runs 1 -N`, its --prepare step deleting the output first),
#      or without hyperfine (and no root to apt-get it) by `date +%s%N`.
#      Reported: the median over the rounds, the spread (fastest–slowest), and
#      ratios as the median of the per-round ratios. The commands:
#        briefing build --root DIR --output OUT     (whole process)
#        cp -r DIR/content OUT2                     (a floor: touch every file)
#        briefing-bench-baseline DIR OUT3           (the bare loop, if built)
#        zola --root ZDIR build --output-dir OUT4   (plain cases, if ZOLA is set)
#   4. warm rebuilds (unless WARM=0), on a copy of the N = 1000 annotated
#      corpus: after one cold build, each round edits one note of one
#      briefing then runs `briefing build` into the same output, then edits
#      one glossary definition (a term ~200 briefings use) and builds again;
#      a cold build (output and cache deleted) runs in the same rounds. Every
#      edit writes new text (a counter), so a content-keyed cache never sees
#      an old state again. Afterwards the warm output must equal a cold build
#      of the edited sources byte for byte. Until the build cache lands a warm
#      build is a full rebuild. If `briefing build --help` offers `--cache-dir`,
#      every build here gets its own cache folder beside its output, and a
#      cold run deletes it; a cache kept in the root (`DIR/.briefing-cache`) is
#      deleted by cold runs too;
#   5. measures peak memory (maximum resident set size) with /usr/bin/time -v,
#      the largest of 3 runs;
#   6. checks the outputs: the N = 1000 annotated build has 1,000 pages plus
#      the index, glossary, topics, timeline and search pages, all with
#      working links; the plain builds have a
#      page per article, and Zola's too;
#   7. writes the results tables, the machine, the load average and the
#      targets (issues 9 and 16) into BENCHMARKS.md, between the
#      `bench:begin`/`bench:end` markers (the rest of the file, e.g. profile
#      findings, is kept).
#
# Environment:
#   ZOLA=/path        a zola binary: time it on the plain workload
#   BENCH_DIR=/path   where to put corpora and outputs, kept afterwards
#                     (default: a fresh folder under /dev/shm, else under
#                     $TMPDIR, removed at exit unless KEEP=1)
#   RUNS=n            timed rounds per case, after one warm-up (default 7)
#   BASELINE=0        skip the bare pulldown-cmark + tera baseline
#   WARM=0            skip the warm rebuilds
#   NO_WRITE=1        print the tables, leave BENCHMARKS.md alone
#
# Targets (ratios measured side by side in this run, since absolute times vary
# 2x between machines):
#   issue 9:  annotated N = 1000: build <= 4 x cp -r; peak memory <= 60 MiB
#             annotated N = 1: build <= 2 x the bare pulldown-cmark + tera loop
#             one article with 10,000 notes: build <= 1 s
#   issue 16: plain N = 1000: build <= 0.5 x Zola's time, peak memory <= 1/2 Zola's
#             N = 1: build <= 0.5 x Zola's time
#             warm rebuild after editing one note (N = 1000): <= 10 % of a cold build

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
RUNS=${RUNS:-7}
BASELINE=${BASELINE:-1}
WARM=${WARM:-1}
ZOLA=${ZOLA:-}
MD="$ROOT/BENCHMARKS.md"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

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
[ "$HAVE_HYPERFINE" = 1 ] || log "hyperfine not available: timing with date +%s%N"
[ "$HAVE_TIME" = 1 ] || log "/usr/bin/time not available: peak memory not measured"
if [ -n "$ZOLA" ]; then
    ZOLA=$(command -v "$ZOLA" || true)
    [ -x "$ZOLA" ] || {
        echo "ZOLA is set but is not an executable" >&2
        exit 1
    }
    ZOLA_VERSION=$("$ZOLA" --version)
fi

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
# The build cache (issue 16) may come with a flag naming its folder; if it
# does, each build below gets its own.
CACHE_FLAG=0
"$BIN" build --help 2>&1 | grep -q -- '--cache-dir' && CACHE_FLAG=1

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
PLAIN_CASES=(
    "plain1|--plain --briefings 1"
    "plain1000|--plain --briefings 1000"
)

check_corpus() {
    local check
    check=$("$BIN" check --root "$1" 2>&1 | tail -n 1)
    if [ "$check" != "check passed: 0 warnings" ]; then
        echo "corpus $1 does not check cleanly: $check" >&2
        exit 1
    fi
}

for c in "${CASES[@]}" "${PLAIN_CASES[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    # shellcheck disable=SC2086
    case $name in
        plain*) "$GEN" $args --out "$WORK/$name" --zola "$WORK/$name-zola" 2>/dev/null ;;
        *) "$GEN" $args --out "$WORK/$name" 2>/dev/null ;;
    esac
    check_corpus "$WORK/$name"
done
log "corpora generated and checked (0 errors, 0 warnings)"

# ---------------------------------------------------------------- timing

# The `briefing build` command line for corpus DIR into SITE/public (and its
# cache in SITE/cache when the flag exists).
build_cmd() {
    local dir=$1 site=$2
    local cmd="$BIN build --quiet --root $dir --output $site/public"
    [ "$CACHE_FLAG" = 1 ] && cmd+=" --cache-dir $site/cache"
    echo "$cmd"
}
# What a cold build of DIR into SITE deletes first: the output, its cache, and a
# cache kept in the root.
cold_prep() { echo "rm -rf $1/.briefing-cache $2"; }

# Wall time in ms of one run of CMD after PREP (both plain command lines, no
# shell syntax), to stdout.
#   time_once PREP CMD
time_once() {
    local prep=$1 cmd=$2
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        if ! hyperfine --style none -N --runs 1 --prepare "$prep" \
            --export-csv "$WORK/once.csv" "$cmd" >"$WORK/once.txt" 2>&1; then
            cat "$WORK/once.txt" >&2
            exit 1
        fi
        # command,mean,stddev,median,user,system,min,max (seconds)
        awk -F, 'NR == 2 {printf "%.2f\n", $2 * 1000}' "$WORK/once.csv"
    else
        local t0 t1
        $prep
        t0=$(date +%s%N)
        $cmd >/dev/null 2>&1 || {
            echo "failed: $cmd" >&2
            exit 1
        }
        t1=$(date +%s%N)
        awk -v ns=$((t1 - t0)) 'BEGIN {printf "%.2f\n", ns / 1e6}'
    fi
}

# Times the commands of one case in rounds (see the header); writes
# "round label ms" lines to $WORK/NAME.times.
#   time_case NAME "LABEL|PREP|CMD" ...
time_case() {
    local name=$1
    shift
    local specs=("$@") n=$# r k i label prep cmd
    : >"$WORK/$name.times"
    for ((r = 0; r <= RUNS; r++)); do
        for ((k = 0; k < n; k++)); do
            i=$(((k + r) % n))
            IFS='|' read -r label prep cmd <<<"${specs[$i]}"
            echo "$r $label $(time_once "$prep" "$cmd")" >>"$WORK/$name.times"
        done
    done
}

# Median, fastest and slowest of LABEL's timed rounds (the warm-up is round 0).
stat_of() {
    awk -v l="$2" '$1 > 0 && $2 == l {print $3}' "$WORK/$1.times" | sort -g |
        awk '{a[NR] = $1} END {
            if (NR == 0) {print "- - -"; exit}
            m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
            printf "%.2f %.2f %.2f\n", m, a[1], a[NR]}'
}
median() { stat_of "$1" "$2" | cut -d' ' -f1; }
# "median (fastest–slowest)" in ms.
shown() { stat_of "$1" "$2" | awk '{printf "%s (%s–%s)", $1, $2, $3}'; }
# Median over the timed rounds of A's time / B's time in the same round.
paired() {
    awk -v a="$2" -v b="$3" '$1 > 0 && $2 == a {x[$1] = $3} $1 > 0 && $2 == b {y[$1] = $3}
        END {for (r in x) if (r in y && y[r] > 0) print x[r] / y[r]}' "$WORK/$1.times" | sort -g |
        awk '{a[NR] = $1} END {
            if (NR == 0) {print "-"; exit}
            m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
            printf "%.2f\n", m}'
}

# Peak RSS in KiB (largest of 3 runs, PREP before each), or "-".
#   peak_kib PREP CMD
peak_kib() {
    local prep=$1 cmd=$2
    if [ "$HAVE_TIME" != 1 ]; then
        echo -
        return
    fi
    local i best=0 kib
    for i in 1 2 3; do
        $prep
        # shellcheck disable=SC2086
        kib=$(/usr/bin/time -v $cmd 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
        [ "${kib:-0}" -gt "$best" ] && best=$kib
    done
    echo "$best"
}

mib() { awk -v k="$1" 'BEGIN {if (k == "-") print "-"; else printf "%.1f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b > 0) printf "%.2f", a / b; else print "-"}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a != "-" && a <= b)}'; }
pages_in() { find "$1" -name index.html | wc -l; }

declare -A FILES KB RSS
sources_of() {
    FILES[$1]=$(find "$2" -type f ! -name '.*' | wc -l)
    KB[$1]=$(du -sk --apparent-size --exclude='.*' "$2" | awk '{print $1}')
}

# Every case: briefing against cp -r and the bare loop; the plain cases also
# against Zola on the same articles.
for c in "${CASES[@]}" "${PLAIN_CASES[@]}"; do
    name=${c%%|*}
    dir="$WORK/$name"
    sources_of "$name" "$dir/content"
    build=$(build_cmd "$dir" "$WORK/b-$name")
    specs=("build|$(cold_prep "$dir" "$WORK/b-$name")|$build"
        "cp|rm -rf $WORK/cp-$name|cp -r $dir/content $WORK/cp-$name")
    [ -n "$BASE_BIN" ] && specs+=("bare|rm -rf $WORK/bare-$name|$BASE_BIN $dir $WORK/bare-$name")
    zola=""
    if [ -n "$ZOLA" ] && [[ $name == plain* ]]; then
        zola="$ZOLA --root $WORK/$name-zola build --output-dir $WORK/z-$name"
        specs+=("zola|rm -rf $WORK/z-$name|$zola")
    fi
    log "timing $name (${FILES[$name]} files, ${KB[$name]} KiB)"
    time_case "$name" "${specs[@]}"
    RSS[$name.build]=$(peak_kib "$(cold_prep "$dir" "$WORK/b-$name")" "$build")
    [ -n "$BASE_BIN" ] && RSS[$name.bare]=$(peak_kib "rm -rf $WORK/bare-$name" "$BASE_BIN $dir $WORK/bare-$name")
    [ -n "$zola" ] && RSS[$name.zola]=$(peak_kib "rm -rf $WORK/z-$name" "$zola")
    printf '    build %s ms, cp -r %s ms, bare loop %s ms, zola %s ms; peak RSS build %s MiB, zola %s MiB\n' \
        "$(median "$name" build)" "$(median "$name" cp)" "$(median "$name" bare)" "$(median "$name" zola)" \
        "$(mib "${RSS[$name.build]}")" "$(mib "${RSS[$name.zola]:--}")" >&2
done

# Warm rebuilds, on a copy of the N = 1000 corpus so its edits and any cache
# kept in its root are its own.
if [ "$WARM" = 1 ]; then
    wdir="$WORK/warm1000"
    rm -rf "$wdir"
    cp -r "$WORK/n1000" "$wdir"
    # Every call writes new text into the first note written on one line of one
    # briefing (kind=note), or into the first glossary definition (kind=term).
    cat >"$WORK/edit.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
kind=$1 file=$2 counter=$3
n=$(($(cat "$counter" 2>/dev/null || echo 0) + 1))
echo "$n" >"$counter"
case $kind in
    note) key='  note' ;;
    term) key='  definition' ;;
esac
before=$(cksum <"$file")
N=$n K=$key perl -0777 -pi -e 's/^($ENV{K}: "[^"\n]*?)(?: \(edit \d+\))?"$/$1 (edit $ENV{N})"/m' "$file"
[ "$(cksum <"$file")" != "$before" ] || {
    echo "edit.sh: no $kind found to edit in $file" >&2
    exit 1
}
EOF
    note_file=$(find "$wdir/content" -name annotations.yaml | sort | sed -n 500p)
    build=$(build_cmd "$wdir" "$WORK/w-warm")
    log "warm rebuilds: one note of $(basename "$(dirname "$note_file")"), one glossary term"
    prep=$(cold_prep "$wdir" "$WORK/w-warm")
    $prep
    $build
    time_case warm \
        "cold|$(cold_prep "$wdir" "$WORK/c-warm")|$(build_cmd "$wdir" "$WORK/c-warm")" \
        "note|bash $WORK/edit.sh note $note_file $WORK/note.count|$build" \
        "term|bash $WORK/edit.sh term $wdir/content/glossary.yaml $WORK/term.count|$build"
    # The warm output must be what a cold build of the same sources writes.
    prep=$(cold_prep "$wdir" "$WORK/c-warm")
    cold=$(build_cmd "$wdir" "$WORK/c-warm")
    $prep
    $cold
    if ! diff -r "$WORK/c-warm/public" "$WORK/w-warm/public" >"$WORK/warm.diff"; then
        head -n 20 "$WORK/warm.diff" >&2
        echo "the warm rebuild's output differs from a cold build of the same sources" >&2
        exit 1
    fi
    printf '    cold %s ms, after a note edit %s ms, after a glossary edit %s ms\n' \
        "$(median warm cold)" "$(median warm note)" "$(median warm term)" >&2
fi

# ---------------------------------------------------------------- checks

# 1,000 pages plus the index, the glossary, the topics index, the corpus's 6
# topic pages, the timeline and the search page (issue 17) ...
pages=$(pages_in "$WORK/b-n1000/public")
if [ "$pages" != 1011 ]; then
    echo "expected 1011 index.html files for N = 1000, found $pages" >&2
    exit 1
fi
# ... all with working note and glossary links.
python3 "$(dirname "$0")/check_links.py" "$WORK/b-n1000/public" >&2 || exit 1
# A page per plain article (and the index; the glossary page only if written),
# each with its 12 footnotes; Zola's output likewise.
pages=$(pages_in "$WORK/b-plain1000/public")
if [ "$pages" -lt 1001 ]; then
    echo "expected a page for each of the 1000 plain articles, found $pages index.html files" >&2
    exit 1
fi
if [ -n "$ZOLA" ]; then
    pages=$(pages_in "$WORK/z-plain1000")
    if [ "$pages" != 1001 ]; then
        echo "expected 1001 index.html files from Zola, found $pages" >&2
        exit 1
    fi
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

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
    timer="$(hyperfine --version), one run per command per round (\`--runs 1 -N\`, output deleted in --prepare)"
else
    timer="date +%s%N around each run, output deleted before it"
fi

annotated_row() {
    local name=$1 label=$2
    printf '| %s | %s files, %s KiB | %s | %s | %s× | %s | %s | %s | %s |\n' \
        "$label" "${FILES[$name]}" "${KB[$name]}" "$(shown "$name" build)" "$(shown "$name" cp)" \
        "$(paired "$name" build cp)" \
        "$([ -n "$BASE_BIN" ] && shown "$name" bare || echo -)" \
        "$([ -n "$BASE_BIN" ] && echo "$(paired "$name" build bare)×" || echo -)" \
        "$(mib "${RSS[$name.build]}")" "$(mib "${RSS[$name.bare]:--}")"
}

plain_row() {
    local name=$1 label=$2
    printf '| %s | %s files, %s KiB | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$label" "${FILES[$name]}" "${KB[$name]}" "$(shown "$name" build)" \
        "$([ -n "$ZOLA" ] && shown "$name" zola || echo -)" \
        "$([ -n "$ZOLA" ] && echo "$(paired "$name" build zola)×" || echo -)" \
        "$(shown "$name" cp)" "$([ -n "$BASE_BIN" ] && shown "$name" bare || echo -)" \
        "$(mib "${RSS[$name.build]}")" "$(mib "${RSS[$name.zola]:--}")"
}

table=$(
    echo "Run \`bash benches/run.sh\` (with \`ZOLA=path/to/zola\` for the Zola column) to refresh this section."
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Machine: $(nproc) cores, $cpu, $mem memory, $(uname -sr); load average (1, 5, 15 min) $LOAD_START at the start, $LOAD_END at the end"
    echo "- Toolchain: $(rustc --version)"
    echo "- Code: commit $commit"
    [ -n "$ZOLA" ] && echo "- Zola: $ZOLA_VERSION ($ZOLA)"
    echo "- Corpora: \`examples/gen_corpus.rs\` on $fs ($WORK)"
    echo "- Timing: timed rounds: $RUNS, after 1 warm-up round; in each round every command of a case runs once, in rotating order; $timer"
    echo "- Peak memory: maximum resident set size from \`/usr/bin/time -v\`, largest of 3 runs"
    echo "- Build cache: $([ "$CACHE_FLAG" = 1 ] && echo "\`--cache-dir\` given to every build, deleted before cold runs" || echo "none (\`briefing build\` has no \`--cache-dir\`; a warm build is a full rebuild)")"
    echo
    echo "Times in ms: the median, then the fastest and slowest run in parentheses."
    echo "Ratios are medians of the per-round ratios of the two commands."
    echo
    echo "**Annotated briefings** (\`gen_corpus\`: 12 anchored notes with sources per briefing, a 50-term glossary)"
    echo
    echo "| case | sources | build | \`cp -r\` | build / cp | bare loop | build / bare | build peak RSS (MiB) | bare peak RSS (MiB) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    annotated_row n1 "N = 1"
    annotated_row n100 "N = 100"
    annotated_row n1000 "N = 1000"
    annotated_row notes10k "1 article, 10,000 notes"
    echo
    echo "**Plain articles** (\`gen_corpus --plain\`: 12 Markdown footnotes each; briefing: a folder per article, no notes, empty glossary; Zola: the same Markdown as \`content/<slug>.md\`, \`bottom_footnotes = true\`, our two templates)"
    echo
    echo "| case | sources | briefing | Zola | briefing / Zola | \`cp -r\` | bare loop | briefing peak RSS (MiB) | Zola peak RSS (MiB) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    plain_row plain1 "N = 1"
    plain_row plain1000 "N = 1000"
    if [ "$WARM" = 1 ]; then
        echo
        echo "**One-shot rebuilds** of the N = 1000 annotated site, into the output of the previous build"
        echo
        echo "| case | build | / cold build |"
        echo "| --- | ---: | ---: |"
        echo "| cold (output$([ "$CACHE_FLAG" = 1 ] && echo " and cache") deleted) | $(shown warm cold) | 1 |"
        echo "| after editing one note of one briefing | $(shown warm note) | $(paired warm note cold)× |"
        echo "| after editing one glossary definition (a term ~200 briefings use) | $(shown warm term) | $(paired warm term cold)× |"
    fi
    echo
    echo "| target | measured | verdict |"
    echo "| --- | --- | --- |"
    r=$(paired n1000 build cp)
    echo "| annotated N = 1000: build ≤ 4 × \`cp -r\` (issues 9, 16) | ${r}× | $(verdict "$r" 4) |"
    if [ "${RSS[n1000.build]}" != - ]; then
        m=$(mib "${RSS[n1000.build]}")
        echo "| annotated N = 1000: peak memory ≤ 60 MiB (issue 9) | $m MiB | $(verdict "$m" 60) |"
    fi
    if [ -n "$BASE_BIN" ]; then
        r=$(paired n1 build bare)
        echo "| annotated N = 1: build ≤ 2 × bare pulldown-cmark + tera loop (issue 9) | ${r}× | $(verdict "$r" 2) |"
    fi
    m=$(median notes10k build)
    echo "| 1 article, 10,000 notes: build ≤ 1 s (issue 9) | $m ms | $(verdict "$m" 1000) |"
    if [ -n "$ZOLA" ]; then
        r=$(paired plain1000 build zola)
        echo "| plain N = 1000: build ≤ 0.5 × Zola (issue 16) | ${r}× | $(verdict "$r" 0.5) |"
        if [ "${RSS[plain1000.build]}" != - ]; then
            r=$(ratio "${RSS[plain1000.build]}" "${RSS[plain1000.zola]}")
            echo "| plain N = 1000: peak memory ≤ 0.5 × Zola's (issue 16) | ${r}× ($(mib "${RSS[plain1000.build]}") vs $(mib "${RSS[plain1000.zola]}") MiB) | $(verdict "$r" 0.5) |"
        fi
        r=$(paired plain1 build zola)
        echo "| plain N = 1: build ≤ 0.5 × Zola (issue 16) | ${r}× | $(verdict "$r" 0.5) |"
        r=$(ratio "$(median n1 build)" "$(median plain1 zola)")
        echo "| annotated N = 1 against Zola's plain N = 1: ≤ 0.5 × (issue 16; medians, not paired) | ${r}× | $(verdict "$r" 0.5) |"
    fi
    if [ "$WARM" = 1 ]; then
        r=$(paired warm note cold)
        echo "| one note edited, N = 1000: rebuild ≤ 0.1 × cold (issue 16) | ${r}× | $(verdict "$r" 0.1) |"
    fi
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
