#!/bin/sh
# SPDX-License-Identifier: MIT
#
# wine_smoke.sh SYS WORKDIR - load and unload the driver under Debian's
# wine64, which runs kernel services in user mode (winedevice.exe): the
# image loads, its imports resolve, DriverEntry runs, finds no Xen, stays
# off, publishes its status in the registry, and unloads.  This is the
# no-Xen path only: wine has no memory manager to balloon (its
# MmAllocatePagesForMdlEx is not implemented) and no hypervisor.
# Skipped (not failed) where wine64 is not installed or cannot start.
set -u
sys=$1 dir=$2
# Debian installs them under /usr/lib/wine; WINE= overrides (a test of
# the skip path: WINE=/nonexistent).
WINE=${WINE:-$(command -v wine64 2>/dev/null || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver 2>/dev/null || echo /usr/lib/wine/wineserver)}
skip() { echo "SKIP: $*"; echo "Test result: SKIPPED"; exit 0; }
[ -x "$WINE" ] && [ -x "$WINESERVER" ] || skip "wine64 is not installed"

rm -rf "$dir"
mkdir -p "$dir"
log=$dir/wine.log
export WINEPREFIX="$dir/prefix" WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
# The driver's DbgPrint output, and wine's own errors only.
export WINEDEBUG=-all,err+all,warn+debugstr
unset DISPLAY WAYLAND_DISPLAY
timeout 180 "$WINE" wineboot -i >>"$log" 2>&1 || skip "wineboot failed (see $log)"
# A fresh session that outlives each command (services keep running).
timeout 60 "$WINESERVER" -w
trap '"$WINESERVER" -k >/dev/null 2>&1' EXIT
"$WINESERVER" -p 60

fails=0
check() {
    what=$1; shift
    if "$@"; then echo "ok    $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
# Windows programs end their lines with CR LF.
wine() { timeout 60 "$WINE" "$@" 2>>"$log" | tr -d '\r'; }
query() { wine sc query dvmppr | awk '$1 == "STATE" { print $4 }'; }
regval() {
    wine reg query 'HKLM\System\CurrentControlSet\Services\dvmppr\State' /v "$1" |
        awk -v k="$1" '$1 == k { print $3 }'
}

cp "$sys" "$WINEPREFIX/drive_c/windows/system32/drivers/dvmppr.sys"
wine sc create dvmppr type= kernel start= demand \
    binPath= 'C:\windows\system32\drivers\dvmppr.sys' >/dev/null
check "service created" [ "$(query)" = STOPPED ]
wine sc start dvmppr >/dev/null
sleep 1
check "service running (DriverEntry returned success)" [ "$(query)" = RUNNING ]
state=$(regval State) reason=$(regval OffReason)
check "status published: State=$state OffReason=$reason" [ "$state" = off ]
check "DriverEntry logged why it is off" grep -q "dvmppr: off: $reason" "$log"
wine sc stop dvmppr >/dev/null
sleep 1
check "service stopped (DriverUnload ran)" [ "$(query)" = STOPPED ]
check "DriverUnload finished" grep -q "dvmppr: unloaded" "$log"
wine sc delete dvmppr >/dev/null
check "service deleted" [ -z "$(query)" ]
if [ $fails = 0 ]; then echo "Test result: SUCCESS"; exit 0; fi
grep -v "^[0-9a-f]*:warn:debugstr" "$log" | tail -20
echo "Test result: FAILURE"; exit 1
