#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check_inf.sh INF OS_WIN_C WPPR_H - the INF and the driver agree: the
# knobs it installs are the ones the driver reads (same names), their
# defaults are the driver's, and it installs dvmppr.sys as a kernel
# service for amd64.
set -u
inf=$1 oswin=$2 hdr=$3
fails=0
check() {
    what=$1; shift
    if "$@"; then echo "ok    $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
inf_knobs=$(awk -F, '/^HKR, *Parameters,/ { gsub(/ /, "", $3); print $3 }' "$inf" | sort)
drv_knobs=$(sed -n 's/.*\[WPPR_KNOB_[A-Z_]*\] = L"\([A-Za-z]*\)".*/\1/p' "$oswin" | sort)
check "INF knobs ($(echo $inf_knobs)) are the driver's ($(echo $drv_knobs))" \
    sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' sh "$inf_knobs" "$drv_knobs"
inf_default() { awk -F, -v k="$1" '/^HKR, *Parameters,/ { n = $3; gsub(/ /, "", n);
    if (n == k) { v = $5; sub(/^ +/, "", v); sub(/[ ;].*/, "", v); print v } }' "$inf"; }
hdr_value() { sed -n "s/^#define $1 *\([0-9]*\)U*.*/\1/p" "$hdr"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
check "ReserveMiB default is WPPR_RESERVE_DEFAULT_MIB" \
    same "$(inf_default ReserveMiB)" "$(hdr_value WPPR_RESERVE_DEFAULT_MIB)"
check "ChunkPages default is WPPR_CHUNK_DEFAULT_PAGES" \
    same "$(inf_default ChunkPages)" "$(hdr_value WPPR_CHUNK_DEFAULT_PAGES)"
check "PeriodMs default is WPPR_PERIOD_DEFAULT_MS" \
    same "$(inf_default PeriodMs)" "$(hdr_value WPPR_PERIOD_DEFAULT_MS)"
check "Disable and CapMiB default to 0" \
    same "$(inf_default Disable)$(inf_default CapMiB)" "00"
check "kernel service (ServiceType 1) from dvmppr.sys" sh -c \
    'grep -Eq "^ServiceType *= *1( |;|$)" "$1" && grep -q "^ServiceBinary *= *%12%\\\\dvmppr.sys" "$1"' sh "$inf"
check "amd64 install sections" grep -q '^\[DefaultInstall.NTamd64.Services\]' "$inf"
if [ $fails = 0 ]; then echo "Test result: SUCCESS"; exit 0; fi
echo "Test result: FAILURE"; exit 1
