#!/usr/bin/env bash
# Lints the C++ files (.cpp, .h) a change touches: clang-format over each
# whole file, clang-tidy (.clang-tidy's checks) over the lines the change
# touched. CI runs it after `make test`, which writes compile_commands.json.
#
#   tools/lint-changed.sh [BASE]
#
# The change is BASE against the working tree: uncommitted edits count, and
# so do new files git does not ignore, whole. BASE defaults to
# `git merge-base HEAD origin/main`; to HEAD~1 when there is no origin/main
# or when HEAD is on it (CI lints the tip of main, where the merge base is
# HEAD itself and the change is the last commit, or the whole merged branch
# when that commit is a merge); to every tracked C++ file when there is no
# HEAD~1.
#
# Why only what changed: most of the code base predates the gate, and
# reformatting or tidying all of it at once would drown the history.
# - clang-format judges only the changed lines (its --lines): a change must
#   not have to reformat a whole older file, which would bury what it did in
#   the diff; `git clang-format` (the message names it) fixes just those.
# - clang-tidy judges only the changed lines too (its --line-filter): its
#   findings need thought, and a one-line change must not have to answer
#   for every older finding in the file. (Debian's clang-tidy-diff-14.py
#   does the same filtering but always exits 0, so it cannot gate.)
#
# Environment: BUILD_DIR (default build) holds compile_commands.json; JOBS
# (default 2) clang-tidy processes at once. Exit codes: 0 clean, 1 findings,
# 66 no compile_commands.json, 69 tools missing (install-deps.sh lint).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-2}

die() {
  echo "lint-changed: $2" >&2
  exit "$1"
}

# The first of the names given that is on PATH (Debian's -14 names first).
find_tool() {
  local name
  for name in "$@"; do
    command -v "$name" && return 0
  done
  die 69 "none of $* is installed; run: bash tools/install-deps.sh lint"
}

# Prints the base commit, or nothing for "every tracked file".
pick_base() {
  if [[ $# -gt 0 ]]; then
    git rev-parse --verify --quiet "$1^{commit}" || die 64 "'$1' is not a commit"
    return
  fi
  local merge_base
  if merge_base=$(git merge-base HEAD origin/main 2>/dev/null) &&
    [[ "$merge_base" != "$(git rev-parse HEAD)" ]]; then
    echo "$merge_base"
  elif git rev-parse --verify --quiet 'HEAD~1^{commit}' >/dev/null; then
    git rev-parse 'HEAD~1'
  fi
}

# For each C++ file the change adds or modifies: "path<TAB>[[first,last],...]",
# the line ranges the change wrote. Renames are followed (-M), so a moved
# file counts only for the lines that changed in the move.
changed_line_ranges() {
  git diff -U0 -M --no-color --no-ext-diff --src-prefix=a/ --dst-prefix=b/ --diff-filter=AMR \
    "$1" -- '*.cpp' '*.h' |
    awk '
      /^\+\+\+ / { file = substr($0, 7); next }
      /^@@ / {
        match($0, /\+[0-9]+(,[0-9]+)?/)
        split(substr($0, RSTART + 1, RLENGTH - 1), hunk, ",")
        count = (2 in hunk) ? hunk[2] : 1
        if (count == 0) next  # a deletion only: no line of the new file to judge
        if (file in ranges) ranges[file] = ranges[file] ","
        ranges[file] = ranges[file] "[" hunk[1] "," hunk[1] + count - 1 "]"
      }
      END { for (file in ranges) print file "\t[" ranges[file] "]" }' |
    sort
}

# "path<TAB>" (no ranges: every line) for each C++ file git lists with
# these options: every tracked file, or (--others) the new ones.
whole_files() {
  git ls-files "$@" -- '*.cpp' '*.h' | sed 's/$/\t/'
}

# clang-format over the lines the change wrote (--lines; a whole new file
# when no ranges are given), one "path<TAB>ranges" line of `targets` each.
check_format() {
  local formatter=$1 targets=$2 base=$3
  local unformatted=() file ranges
  while IFS=$'\t' read -r file ranges; do
    local lines=()
    if [[ -n "$ranges" ]]; then
      mapfile -t lines < <(echo "$ranges" | grep -oE '\[[0-9]+,[0-9]+\]' | tr -d '[]' | sed 's/,/:/; s/^/--lines=/')
    fi
    "$formatter" --dry-run --Werror "${lines[@]}" "$file" >/dev/null 2>&1 || unformatted+=("$file")
  done <"$targets"
  [[ ${#unformatted[@]} -eq 0 ]] && return 0
  echo "lint-changed: lines this change wrote are not clang-formatted in: ${unformatted[*]}" >&2
  echo "lint-changed: fix with: git clang-format-14 ${base:-HEAD} -- ${unformatted[*]}" >&2
  return 1
}

# The build's compile database without its precompiled-header flags: CMake
# force-includes g++'s .gch there (cmake/simlab_pch.cmake), which clang
# cannot read. Without them clang-tidy also sees a file's missing includes.
write_compile_db_without_pch() {
  local out=$1
  mkdir -p "$out"
  sed -E 's# -Winvalid-pch##g; s# -include [^ ]*/cmake_pch\.hxx##g' \
    "$build_dir/compile_commands.json" >"$out/compile_commands.json"
}

# One file: clang-tidy on it, diagnostics kept only in `ranges` (all lines
# when empty). Its output goes to `report` so parallel runs do not interleave.
tidy_one() {
  local tidy=$1 file=$2 ranges=$3 report=$4
  local filter=()
  [[ -n "$ranges" ]] && filter=("--line-filter=[{\"name\":\"$file\",\"lines\":$ranges}]")
  if ! "$tidy" -p "$compile_db" --quiet --warnings-as-errors='*' "${filter[@]}" "$file" \
    >"$report" 2>&1; then
    echo "lint-changed: clang-tidy findings in $file" >>"$report"
    return 1
  fi
  : >"$report"  # a clean file's "N warnings generated" notes say nothing
}

# clang-tidy counts the warnings it hid (in headers, outside the changed
# lines) even with --quiet; the count says nothing about the change.
without_counts() {
  grep -Ev '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$' || true
}

# Runs tidy_one on each "path<TAB>ranges" line of `targets`, `jobs` at a time.
check_tidy() {
  local tidy=$1 targets=$2 reports=$3
  local failed=0 running=0 number=0 file ranges
  while IFS=$'\t' read -r file ranges; do
    number=$((number + 1))
    tidy_one "$tidy" "$file" "$ranges" "$reports/$(printf %04d "$number").txt" &
    running=$((running + 1))
    if [[ $running -ge $jobs ]]; then
      wait -n || failed=1
      running=$((running - 1))
    fi
  done <"$targets"
  while [[ $running -gt 0 ]]; do
    wait -n || failed=1
    running=$((running - 1))
  done
  cat "$reports"/*.txt 2>/dev/null | without_counts >&2
  return "$failed"
}

main() {
  local base
  base=$(pick_base "$@")
  scratch=$(mktemp -d)  # global: the EXIT trap runs after main has returned
  trap 'rm -rf "$scratch"' EXIT
  if [[ -n "$base" ]]; then
    { changed_line_ranges "$base" && whole_files --others --exclude-standard; } >"$scratch/targets"
  else
    whole_files >"$scratch/targets"
  fi
  local files=()
  mapfile -t files < <(cut -f1 "$scratch/targets")
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "lint-changed: no C++ file changed since ${base:0:12}"
    return 0
  fi
  [[ -f "$build_dir/compile_commands.json" ]] ||
    die 66 "$build_dir/compile_commands.json is missing; run make build (or cmake -S . -B $build_dir) first"
  local formatter tidy
  formatter=$(find_tool clang-format-14 clang-format)
  tidy=$(find_tool clang-tidy-14 clang-tidy)
  echo "lint-changed: ${#files[@]} C++ file(s) changed since ${base:-nothing: all of them}"
  local status=0
  check_format "$formatter" "$scratch/targets" "$base" || status=1
  mkdir "$scratch/reports"
  compile_db="$scratch/compile-db"  # global, as tidy_one runs in subshells
  write_compile_db_without_pch "$compile_db"
  check_tidy "$tidy" "$scratch/targets" "$scratch/reports" || status=1
  [[ $status -eq 0 ]] && echo "lint-changed: clean (${#files[@]} file(s))"
  return "$status"
}

main "$@"
