#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Verify one configuration of ppr.pml with spin, exhaustively.
#   check.sh <model.pml> <work dir> pass|fail [spin -D flags]
# pass: the model must verify with 0 errors and no trail; fail (a mutant):
# spin must find an error and write a trail.  The last line is the
# XTF-style "Test result: SUCCESS" or "Test result: FAILURE: why".
set -u

model=$(readlink -f "$1")
dir=$2
expect=$3
shift 3
CC=${CC:-gcc}

result() {
    echo "Test result: $*"
    [ "$1" = SUCCESS ]
    exit
}

rm -rf "$dir" && mkdir -p "$dir" || result "FAILURE: cannot create $dir"
command -v spin >/dev/null || result "FAILURE: spin not found"
if ! (cd "$dir" && spin "$@" -a "$model" >spin.log 2>&1 &&
      $CC -O2 -w -DSAFETY -o pan pan.c >cc.log 2>&1); then
    cat "$dir/spin.log" "$dir/cc.log" 2>/dev/null
    result "FAILURE: the verifier did not build"
fi
(cd "$dir" && ./pan -m100000 >pan.log 2>&1)
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$dir/pan.log")
states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$dir/pan.log")
trail=no
[ -e "$dir/ppr.pml.trail" ] && trail=yes
echo "spin ${dir##*/}${*:+ ($*)}: expect $expect, errors ${errors:-?}," \
     "states ${states:-?}, trail $trail"

if [ "$expect" = pass ]; then
    grep -q 'Search not completed' "$dir/pan.log" &&
        result "FAILURE: search not completed"
    [ "$errors" = 0 ] && [ $trail = no ] && result SUCCESS
    grep -m1 'assertion violated' "$dir/pan.log"
    result "FAILURE: ${errors:-?} errors in the correct model"
fi
[ -n "$errors" ] && [ "$errors" != 0 ] && [ $trail = yes ] && result SUCCESS
result "FAILURE: the mutant was not caught"
