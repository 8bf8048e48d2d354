#!/usr/bin/env bash
# Runs `grocery bench load` against `grocery serve` and against the python peer, in
# alternation, ROUNDS times, and prints each pair with the ratio. Release build first:
#   swift build -c release && Benchmarks/load-vs-peer.sh [ROUNDS] [extra bench load options]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}; shift || true
grocery=.build/release/grocery
ours=4101; peer=4201
"$grocery" serve --walmart-port $ours --grocery-port $((ours + 1)) --db :memory: \
    --messages-per-second 0 --upgrades-per-second 100000 --upgrade-burst 100000 --log-level warning >/dev/null 2>&1 &
server=$!
python3 Benchmarks/peers/walmart_peer.py --port $peer >/dev/null 2>&1 &
python=$!
trap 'kill $server $python 2>/dev/null' EXIT
sleep 2
# One run: "round-trips/s p50-ms p99-ms".
run() {
    "$grocery" bench load --url "ws://127.0.0.1:$1/ws/walmart" --json "${@:2}" |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(r["messagesPerSecond"]), r["p50Ms"], r["p99Ms"])'
}
echo "round  grocery/s (p50, p99 ms)   peer/s (p50, p99 ms)    ratio"
for round in $(seq "$rounds"); do
    read -r a a50 a99 < <(run $ours "$@")
    read -r b b50 b99 < <(run $peer "$@")
    python3 -c "print(f'{$round:5d}  {$a:9,d} ({$a50:.1f}, {$a99:.1f})   {$b:6,d} ({$b50:.1f}, {$b99:.1f})   {$a / $b:5.2f}')"
done
