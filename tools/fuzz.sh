#!/usr/bin/env bash
# Builds the history readers' libFuzzer targets (checkers/history/*_fuzz.cpp)
# with clang++ -fsanitize=fuzzer,address,undefined and runs each for
# FUZZ_SECONDS (default 20) from a seed corpus made here. Exits non-zero if
# any run finds a crash, leak or hang. Usage: tools/fuzz.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build-fuzz}"
seconds="${FUZZ_SECONDS:-20}"
cxx="${FUZZ_CXX:-clang++}"
mkdir -p "$out"

sources=$(ls checkers/history/*.cpp checkers/linearizability/*.cpp | grep -v '_fuzz\.cpp$')
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I.)

# The library once, as objects (rebuilt when their source or any header is
# newer), JOBS (default 2) compilers at a time, then each target against it.
jobs="${JOBS:-2}"
newest_header=$(ls -t checkers/history/*.h checkers/linearizability/*.h | head -1)
objects=()
running=0
for source in $sources; do
  object="$out/$(echo "$source" | tr / _).o"
  if [[ ! -f "$object" || "$source" -nt "$object" || "$newest_header" -nt "$object" ]]; then
    if ((running >= jobs)); then
      wait -n
      running=$((running - 1))
    fi
    "$cxx" "${flags[@]/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}" -c "$source" -o "$object" &
    running=$((running + 1))
  fi
  objects+=("$object")
done
while ((running > 0)); do  # each compile's own status: set -e stops at the first that failed
  wait -n
  running=$((running - 1))
done

seed_corpus() {
  local dir="$1" kind="$2"
  rm -rf "$dir" && mkdir -p "$dir"
  case "$kind" in
    jsonl)
      printf '{"index":0,"time":1,"process":1,"type":"invoke","f":"cas","key":"x","value":[1,2]}\n{"process":1,"type":"ok","f":"cas","value":[1,2]}\n' >"$dir/cas"
      printf '{"process":0,"type":"invoke","f":"read"}\n{"process":0,"type":"info","f":"read","value":null}\n' >"$dir/info"
      ;;
    edn)
      printf '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}\n{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}\n' >"$dir/kv"
      printf '[{:index 0 :type :invoke :process 1 :f :txn :value [[:append 1 2] [:r 1 nil]]}]\n' >"$dir/txn"
      ;;
    jepsen_log)
      printf 'INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]\nINFO  jepsen.util - 2\t:fail\t:cas\t[3 0]\nINFO  jepsen.util - 3\t:invoke\t:read\tnil\nINFO  jepsen.util - 3\t:ok\t:read\t4\n' >"$dir/etcd"
      ;;
  esac
}

status=0
for kind in jsonl edn jepsen_log; do
  binary="$out/${kind}_reader_fuzz"
  "$cxx" "${flags[@]}" "checkers/history/${kind}_reader_fuzz.cpp" "${objects[@]}" -o "$binary"
  corpus="$out/corpus-$kind"
  seed_corpus "$corpus" "$kind"
  echo "== fuzzing the $kind reader for ${seconds}s"
  if ! "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$out/crash-$kind-" -print_final_stats=1 "$corpus" 2>"$out/$kind.log"; then
    echo "fuzz: the $kind reader failed; see $out/$kind.log and $out/crash-$kind-*" >&2
    tail -40 "$out/$kind.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units' "$out/$kind.log" || true
  fi
done
exit "$status"
