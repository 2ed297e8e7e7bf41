#!/usr/bin/env bash
# Dynamic VM: run the demo job and show what it printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$TOP/results/demo-$(date -u +%Y%m%d-%H%M%S)
log "booting Xen (${DVM_XEN:-fork}) + dom0 + PVH guests under QEMU (TCG);" \
    "this takes a few minutes"
rc=0
"$TOP/tests/osstest/run-flight" -o "$out" demo || rc=$?
echo
grep -h -a -o 'Xen version [^(]*' "$out/demo/serial.log" | head -n1
grep -h -a '^DEMO: ' "$out/demo/serial.log" | sed 's/^DEMO: //' | tr -d '\r'
echo
echo "serial log: $out/demo/serial.log"
echo "step logs:  $out/demo/"
[ $rc -eq 0 ] || die "the demo failed (see $out/demo/)"
