#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check_pe.sh SYS DEBUG_SYS ALLOW - static checks of a kernel driver image
# from what x86_64-w64-mingw32-objdump -p says about it (and pe_tool for
# the section flags and the checksum, which objdump does not show):
#
#   PE32+ for x86-64, native subsystem, the entry point is DriverEntry,
#   DYNAMIC_BASE and NX_COMPAT, a non-empty .reloc, no section both
#   writable and executable, no TLS, a correct checksum, imports only from
#   ntoskrnl.exe and HAL.dll and only names on the ALLOW list.
#
# DEBUG_SYS is the same link with symbols, for DriverEntry's address.
# One "ok ..." or "FAIL: ..." line per check, "Test result: ..." last.
set -u
sys=$1 dbg=$2 allow=$3
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
NM=${NM:-x86_64-w64-mingw32-nm}
PE_TOOL=${PE_TOOL:?PE_TOOL: path of pe_tool}
fails=0

result() {
    if [ "$fails" = 0 ]; then echo "Test result: SUCCESS"; exit 0; fi
    echo "Test result: FAILURE"; exit 1
}
check() {
    what=$1; shift
    if "$@"; then echo "ok    $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}

if ! hdr=$("$OBJDUMP" -p "$sys" 2>&1) || ! dbghdr=$("$OBJDUMP" -p "$dbg" 2>&1); then
    echo "FAIL: $OBJDUMP cannot read $sys or $dbg"; fails=1; result
fi
# The value after a header key, e.g. "Subsystem  00000001  (NT native)".
val() { printf '%s\n' "$2" | awk -v k="$1" '$1 == k { print $2; exit }'; }
# Size of data directory entry N ("Entry N <rva> <size> <name>").
dir_size() { printf '%s\n' "$hdr" | awk -v n="$1" '$1 == "Entry" && $2 == n { print $4; exit }'; }
nonzero_hex() { [ -n "$1" ] && [ $((0x$1)) -ne 0 ]; }

check "PE32+ image for x86-64" sh -c 'printf "%s\n" "$1" | grep -q "file format pei-x86-64" &&
    printf "%s\n" "$1" | grep -Eq "^Magic[[:space:]]+020b[[:space:]]+\(PE32\+\)"' sh "$hdr"
check "native subsystem" [ "$(val Subsystem "$hdr")" = 00000001 ]

entry=$(val AddressOfEntryPoint "$hdr")
base=$(val ImageBase "$hdr")
sym=$("$NM" "$dbg" 2>/dev/null | awk '$3 == "DriverEntry" { print $1; exit }')
check "entry point is DriverEntry" sh -c '[ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] &&
    [ $((0x$1 + 0x$2)) -eq $((0x$3)) ] && [ "$2" = "$4" ]' sh \
    "$base" "$entry" "$sym" "$(val AddressOfEntryPoint "$dbghdr")"

dc=$(val DllCharacteristics "$hdr")
check "DYNAMIC_BASE" sh -c '[ -n "$1" ] && [ $((0x$1 & 0x40)) -ne 0 ]' sh "$dc"
check "NX_COMPAT" sh -c '[ -n "$1" ] && [ $((0x$1 & 0x100)) -ne 0 ]' sh "$dc"

relsec=$("$OBJDUMP" -h "$sys" | awk '$2 == ".reloc" { print $3; exit }')
check "non-empty .reloc section and relocation directory" sh -c \
    '[ -n "$1" ] && [ $((0x$1)) -ne 0 ] && [ -n "$2" ] && [ $((0x$2)) -ne 0 ]' sh \
    "$relsec" "$(dir_size 5)"
check "no TLS directory (drivers cannot have TLS)" sh -c \
    '[ -n "$1" ] && [ $((0x$1)) -eq 0 ]' sh "$(dir_size 9)"

secs=$("$PE_TOOL" sections "$sys")
check "sections readable" [ -n "$secs" ]
wx=$(printf '%s\n' "$secs" | awk '$3 == "WX" { print $1 }')
check "no section both writable and executable${wx:+ (}${wx}${wx:+)}" [ -z "$wx" ]
sum=$("$PE_TOOL" checksum "$sys" 2>&1)
check "PE checksum (${sum#checksum })" sh -c '"$1" checksum "$2" >/dev/null' sh \
    "$PE_TOOL" "$sys"

# Imports: "DLL NAME" per imported routine; "DLL #ORDINAL" for ordinals.
imports=$(printf '%s\n' "$hdr" | awk '
    /^[[:space:]]*DLL Name:/ { dll = $3; next }
    dll != "" && /^[[:space:]]*$/ { dll = ""; next }
    dll != "" && $1 ~ /^[0-9a-f]+$/ {
        if (NF >= 3) print dll, $3; else print dll, "#" $2
    }')
check "imports found ($(printf '%s\n' "$imports" | grep -c .))" [ -n "$imports" ]
baddll=$(printf '%s\n' "$imports" | awk 'NF { d = tolower($1);
    if (d != "ntoskrnl.exe" && d != "hal.dll") print $1 }' | sort -u | tr '\n' ' ')
check "imports only from ntoskrnl.exe and HAL.dll${baddll:+ (not: }${baddll}${baddll:+)}" [ -z "$baddll" ]
notallowed=$(printf '%s\n' "$imports" | while read -r dll name; do
    [ -n "$dll" ] || continue
    grep -v '^[[:space:]]*#' "$allow" | awk -v d="$dll" -v n="$name" '
        tolower($1) == tolower(d) && $2 == n { found = 1 }
        END { exit !found }' || printf '%s ' "$name"
done)
check "every import on the allow-list${notallowed:+ (not: }${notallowed}${notallowed:+)}" [ -z "$notallowed" ]
for need in MmAllocatePagesForMdlEx MmFreePagesFromMdl KeWaitForMultipleObjects \
            IoCreateNotificationEvent ExRegisterCallback; do
    check "imports $need" sh -c 'printf "%s\n" "$1" | grep -q " $2\$"' sh "$imports" "$need"
done

result
