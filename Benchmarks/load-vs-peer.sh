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
rate() { "$grocery" bench load --url "ws://127.0.0.1:$1/ws/walmart" --json "${@:2}" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["messagesPerSecond"]))'; }
echo "round  grocery/s  peer/s  ratio"
for round in $(seq "$rounds"); do
    a=$(rate $ours "$@"); b=$(rate $peer "$@")
    python3 -c "print(f'{$round:5d}  {$a:9d}  {$b:6d}  {$a / $b:5.2f}')"
done
