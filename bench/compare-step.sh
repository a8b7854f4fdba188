#!/usr/bin/env bash
# Side-by-side step time of two built checkouts of this project: runs `bin/cluda bench step` in A and
# B alternately (A B A B ...), ROUNDS times each, and prints every run's median step time and then
# the median over the rounds of each build and their ratio. Alternating keeps slow drifts of the
# machine (other load, thermal) out of the ratio.
#   bench/compare-step.sh A_DIR B_DIR [ROUNDS] [-- bench step options...]
# Default options: --config conf/synthetic.conf --steps 10 --warmup 3 --gemm 0 (paths relative to each checkout).
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 A_DIR B_DIR [ROUNDS] [-- bench step options]" >&2
  exit 2
fi
a="$(cd "$1" && pwd)"
b="$(cd "$2" && pwd)"
shift 2
rounds=5
if [[ $# -gt 0 && "$1" != "--" ]]; then
  rounds="$1"
  shift
fi
[[ $# -gt 0 && "$1" == "--" ]] && shift
opts=("$@")
[[ ${#opts[@]} -eq 0 ]] && opts=(--config conf/synthetic.conf --steps 10 --warmup 3 --gemm 0)
for dir in "$a" "$b"; do
  [[ -x "$dir/bin/cluda" ]] || { echo "$dir/bin/cluda not found: build that checkout first" >&2; exit 2; }
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
declare -A times=([A]="" [B]="")
for ((r = 1; r <= rounds; r++)); do
  for side in A B; do
    dir=$a; [[ $side == B ]] && dir=$b
    line=$(cd "$dir" && bin/cluda bench step "${opts[@]}" 2>/dev/null | tail -n 1)
    ms=$(sed -n 's/.*"median_ms":\([0-9.]*\).*/\1/p' <<< "$line")
    [[ -n "$ms" ]] || { echo "round $r $side: no median_ms in: $line" >&2; exit 1; }
    echo "round $r $side ($dir): median_ms $ms"
    times[$side]+="$ms"$'\n'
  done
done
ma=$(printf '%s' "${times[A]}" | median)
mb=$(printf '%s' "${times[B]}" | median)
echo "A $a: median over $rounds rounds ${ma} ms"
echo "B $b: median over $rounds rounds ${mb} ms"
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "speed-up B over A: %.2fx\n", a / b}'
