#!/bin/sh
# SPDX-License-Identifier: MIT
#
# test_sign.sh SYS OUTDIR - test-sign a copy of the driver (Authenticode,
# SHA-256, embedded) with a throwaway self-signed certificate made here,
# and check the result: the signature verifies against that certificate,
# the PE checksum is still right, the image is otherwise unchanged.
# Windows accepts such a signature only in test-signing mode, once the
# certificate is in its Root and TrustedPublisher stores: see README.md.
# Nothing here is a release signature; keys stay in OUTDIR.
set -u
sys=$1 out=$2
PE_TOOL=${PE_TOOL:?PE_TOOL: path of pe_tool}
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
export OSSLSIGNCODE=${OSSLSIGNCODE:-osslsigncode}
for tool in "$OSSLSIGNCODE" openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed"
        echo "Test result: SKIPPED"; exit 0
    fi
done
fails=0
check() {
    what=$1; shift
    if "$@"; then echo "ok    $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}

mkdir -p "$out"
key=$out/dvmppr-test.key crt=$out/dvmppr-test.crt
if [ ! -s "$crt" ]; then
    openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 \
        -keyout "$key" -out "$crt" -subj "/CN=Dynamic VM PPR test signing" \
        -addext "keyUsage=critical,digitalSignature" \
        -addext "extendedKeyUsage=codeSigning" >"$out/openssl.log" 2>&1 ||
        { cat "$out/openssl.log"; echo "FAIL: no test certificate"; echo "Test result: FAILURE"; exit 1; }
    openssl x509 -in "$crt" -outform der -out "$out/dvmppr-test.cer"
fi
rm -f "$out/dvmppr.sys"
check "signed" sh -c '"$OSSLSIGNCODE" sign -certs "$1" -key "$2" -h sha256 \
    -n "Dynamic VM PPR balloon" -in "$3" -out "$4" >"$5" 2>&1' sh \
    "$crt" "$key" "$sys" "$out/dvmppr.sys" "$out/sign.log"
check "signature verifies against the test certificate" sh -c \
    '"$OSSLSIGNCODE" verify -CAfile "$1" -in "$2" >"$3" 2>&1' sh "$crt" "$out/dvmppr.sys" "$out/verify.log"
# One byte of code changed: the signature must no longer verify.
text=$("$OBJDUMP" -h "$sys" | awk '$2 == ".text" { print $6; exit }')
python3 - "$out/dvmppr.sys" "$out/tampered.sys" "$text" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[int(sys.argv[3], 16)] ^= 0xff         # first byte of .text
open(sys.argv[2], 'wb').write(b)
PY
check "a tampered copy does not verify" sh -c \
    '! "$OSSLSIGNCODE" verify -CAfile "$1" -in "$2" >"$3" 2>&1' sh "$crt" "$out/tampered.sys" "$out/tampered.log"
check "security directory present" sh -c \
    '"$1" -p "$2" | awk '"'"'$1 == "Entry" && $2 == "4" { exit ($4 ~ /^0+$/) }'"'" sh "$OBJDUMP" "$out/dvmppr.sys"
check "PE checksum right after signing" sh -c '"$1" checksum "$2" >/dev/null' sh "$PE_TOOL" "$out/dvmppr.sys"
check "code unchanged (.text identical)" sh -c \
    '[ "$("$1" -s -j .text "$2" | tail -n +4 | md5sum)" = "$("$1" -s -j .text "$3" | tail -n +4 | md5sum)" ]' sh \
    "$OBJDUMP" "$sys" "$out/dvmppr.sys"
if [ $fails = 0 ]; then echo "Test result: SUCCESS"; exit 0; fi
cat "$out/sign.log" "$out/verify.log" 2>/dev/null
echo "Test result: FAILURE"; exit 1
