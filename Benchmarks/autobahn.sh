#!/usr/bin/env bash
# Autobahn|Testsuite's fuzzingclient against the conformance echo of `grocery serve`
# (--conformance-echo-path), which runs on the same WebSocket handler as every channel.
#   Benchmarks/autobahn.sh [CASES] [GROCERY]      CASES default "1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*"
# GROCERY defaults to .build/release/grocery, else .build/debug/grocery. Autobahn needs
# Python 2.7 (pyenv's 2.7.18 here); it is installed once into $AUTOBAHN_DIR
# (default ~/.cache/grocery-autobahn). Prints the count of each verdict per section and
# exits 1 if any case FAILED. The HTML report is left in $AUTOBAHN_DIR/reports.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-"1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*"}
grocery=${2:-}
[ -n "$grocery" ] || { [ -x .build/release/grocery ] && grocery=.build/release/grocery || grocery=.build/debug/grocery; }
dir=${AUTOBAHN_DIR:-$HOME/.cache/grocery-autobahn}
py2=
for candidate in "${AUTOBAHN_PYTHON:-}" "$(pyenv root 2>/dev/null)/versions/2.7.18/bin/python" \
    "$HOME/.pyenv/versions/2.7.18/bin/python" "$(command -v python2.7 || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { py2=$candidate; break; }
done
[ -n "$py2" ] || { echo "autobahn: needs Python 2.7 (pyenv's 2.7.18, python2.7, or AUTOBAHN_PYTHON)" >&2; exit 2; }
# site.addsitedir, not PYTHONPATH: zope's namespace package needs its .pth file read.
load="import site, sys; site.addsitedir(sys.argv[1]);"
if ! "$py2" -c "$load import autobahntestsuite" "$dir/lib" >/dev/null 2>&1; then
    echo "autobahn: installing autobahntestsuite into $dir/lib"
    "$py2" -m pip install -q --target "$dir/lib" autobahntestsuite
fi

work=$(mktemp -d)
"$grocery" serve --walmart-port 0 --grocery-port 0 --db :memory: --conformance-echo-path /echo \
    --upgrades-per-second 1000 --upgrade-burst 1000 --messages-per-second 0 --log-level warning >"$work/serve.out" 2>"$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "listening:" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*walmart=\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
[ -n "$port" ] || { echo "autobahn: grocery serve did not start"; cat "$work/serve.err"; exit 1; } >&2

rm -rf "$dir/reports"
python3 - "$port" "$cases" "$dir/reports" >"$work/spec.json" <<'PY'
import json, sys
port, cases, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
print(json.dumps({"outdir": out, "servers": [{"agent": "grocery", "url": "ws://127.0.0.1:%s/echo" % port}],
                  "cases": cases, "exclude-cases": [], "exclude-agent-cases": {}}))
PY
(cd "$work" && "$py2" -c "$load"' from autobahntestsuite.wstest import run; sys.argv = ["wstest", "-m", "fuzzingclient", "-s", "spec.json"]; run()' "$dir/lib" >"$work/wstest.log" 2>&1) \
    || { tail -20 "$work/wstest.log"; exit 1; }

python3 - "$dir/reports/index.json" <<'PY'
import json, sys, collections
results = json.load(open(sys.argv[1]))["grocery"]
sections = collections.OrderedDict()
verdicts = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
def key(case): return [int(p) for p in case.split(".")]
for case in sorted(results, key=key):
    r = results[case]
    verdict = "FAILED" if "FAILED" in (r["behavior"], r["behaviorClose"]) else r["behavior"]
    sections.setdefault(case.split(".")[0], collections.Counter())[verdict] += 1
print("section  cases  " + "  ".join(verdicts))
total = collections.Counter()
for section, counts in sections.items():
    total += counts
    print("%7s  %5d  " % (section, sum(counts.values())) + "  ".join("%*d" % (len(v), counts[v]) for v in verdicts))
print("%7s  %5d  " % ("all", sum(total.values())) + "  ".join("%*d" % (len(v), total[v]) for v in verdicts))
failed = [c for c in sorted(results, key=key) if "FAILED" in (results[c]["behavior"], results[c]["behaviorClose"])]
if failed:
    print("FAILED: " + " ".join(failed))
    sys.exit(1)
PY
