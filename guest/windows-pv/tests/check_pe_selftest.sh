#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check_pe_selftest.sh BAD_SYS ALLOW - check_pe.sh must reject an image
# built to break its rules (tests/bad_image.c), each rule by name: a
# checker that passes everything would otherwise go unnoticed.
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
if [ $fails = 0 ]; then echo "Test result: SUCCESS"; exit 0; fi
printf '%s\n' "$out"
echo "Test result: FAILURE"; exit 1
