#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check_pe_selftest.sh BAD_SYS ALLOW - check_pe.sh must reject an image
# built to break its rules (tests/bad_image.c), each rule by name: a
# checker that passes everything would otherwise go unnoticed.  The bad
# image is PE32+; a copy with the optional header's Magic made PE32
# (0x20b -> 0x10b) must fail that rule.
set -u
bad=$1 allow=$2
here=$(dirname "$0")
out=$(sh "$here/check_pe.sh" "$bad" "$bad" "$allow" 2>&1)
rc=$?
fails=0
if [ $rc = 0 ]; then
    echo "FAIL: check_pe.sh accepted the bad image"; fails=1
fi
for rule in "native subsystem" "entry point is DriverEntry" "DYNAMIC_BASE" \
            "NX_COMPAT" "non-empty .reloc" "no section both writable and executable" \
            "imports only from ntoskrnl.exe and HAL.dll" \
            "every import on the allow-list"; do
    if printf '%s\n' "$out" | grep -q "^FAIL: $rule"; then
        echo "ok    rejected: $rule"
    else
        echo "FAIL: not rejected: $rule"; fails=$((fails + 1))
    fi
done

# Magic: after "PE\0\0" (4 bytes) and the file header (20) at e_lfanew.
pe32=$(mktemp) || exit 1
trap 'rm -f "$pe32"' EXIT
cp "$bad" "$pe32"
lfanew=$(od -An -tu1 -j60 -N4 "$bad" |
         awk '{ print $1 + $2 * 256 + $3 * 65536 + $4 * 16777216 }')
printf '\013\001' | dd of="$pe32" bs=1 seek=$((lfanew + 24)) conv=notrunc \
    2>/dev/null
pe32out=$(sh "$here/check_pe.sh" "$pe32" "$pe32" "$allow" 2>&1)
if printf '%s\n' "$pe32out" | grep -q "^FAIL: PE32+ image for x86-64"; then
    echo "ok    rejected: PE32+ image for x86-64 (a PE32 copy)"
else
    printf '%s\n' "$pe32out"
    echo "FAIL: not rejected: PE32+ image for x86-64 (a PE32 copy)"
    fails=$((fails + 1))
fi
if [ $fails = 0 ]; then echo "Test result: SUCCESS"; exit 0; fi
printf '%s\n' "$out"
echo "Test result: FAILURE"; exit 1
