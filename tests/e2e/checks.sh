# Part of `scenario`: PASS/FAIL bookkeeping, the CLI as a tenant, waits on Nova states, and
# what a host's agent says about a server's container. Sourced, not run.
PASSED=0
FAILED=0
FAILURES=()
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); printf 'FAIL  %s%s\n' "$1" "${2:+: $2}"; }
check() {  # NAME CMD...: PASS when CMD succeeds
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"; fi
}
summary() {
  echo "---"
  echo "$PASSED passed, $FAILED failed"
  local f
  for f in "${FAILURES[@]}"; do echo "  failed: $f"; done
  [ "$FAILED" = 0 ]
}

osc() { "$E2E_DIR/cli" "$STACK" "$@"; }                 # osc CLOUD ARGS...
field() { osc "$1" "${@:3}" -f value -c "$2" | awk NF; } # field CLOUD COLUMN ARGS...

# equals A B / matches TEXT REGEX: for `check`, with what differed as the failure's detail.
equals() { [ "$1" = "$2" ] || { echo "'$1' is not '$2'"; return 1; }; }
matches() { printf '%s\n' "$1" | grep -q -- "$2" || { echo "'$1' does not match $2"; return 1; }; }

# eventually SECONDS CMD... / never_again SECONDS CMD...: CMD succeeds once / fails once
# within SECONDS (retried every 0.5 s; for changes that take effect asynchronously).
eventually() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "still failing after the wait: $*"; return 1; }
    sleep 0.5
  done
}
never_again() {
  local deadline=$(( $(date +%s) + $1 )); shift
  while "$@" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "still succeeding after the wait: $*"; return 1; }
    sleep 0.5
  done
}

# json_field KEY...: the value at KEY/KEY/... of the JSON document on stdin (of a list: its
# first element), empty when absent.
json_field() {
  "$PY" -c '
import json, sys
doc = json.load(sys.stdin)
for key in sys.argv[1:]:
    doc = doc[0] if isinstance(doc, list) and doc else doc
    doc = doc.get(key, "") if isinstance(doc, dict) else ""
print(doc[0] if isinstance(doc, list) and doc else doc)' "$@"
}

server_status() { field "$1" status server show "$2"; }
wait_status() {  # CLOUD SERVER STATUS [SECONDS]: Nova's status reaches STATUS
  local deadline=$(( $(date +%s) + ${4:-120} )) now
  while :; do
    now=$(server_status "$1" "$2" 2>/dev/null)
    [ "$now" = "$3" ] && return 0
    [ "$now" = ERROR ] && { echo "server $2 is ERROR: $(field "$1" fault server show "$2")"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "server $2 is '$now', not $3"; return 1; }
    sleep 1
  done
}
server_host() { field admin OS-EXT-SRV-ATTR:host server show "$1"; }

boxcar_on() { "$BOXCAR_CLI" --socket "$STACK/hosts/$1/boxcard.sock" "${@:2}"; }
# container_state HOST SERVER_ID: created, running, exited, paused, or "absent".
container_state() {
  boxcar_on "$1" inspect "nova-$2" 2>/dev/null | "$PY" -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    print("absent"); sys.exit()
if isinstance(doc, list):
    doc = doc[0] if doc else {}
doc = doc.get("container", doc)
print(str(doc.get("state", "absent")).lower().replace("container_state_", ""))'
}
wait_container() {  # HOST SERVER_ID STATE [SECONDS]
  local deadline=$(( $(date +%s) + ${4:-30} )) now
  while :; do
    now=$(container_state "$1" "$2")
    [ "$now" = "$3" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { echo "container nova-$2 on $1 is '$now', not $3"; return 1; }
    sleep 0.5
  done
}
