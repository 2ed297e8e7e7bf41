#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Verify ppr.pml with spin: the correct model (well-behaved and hostile
# guest) must verify with 0 errors, every mutant must produce an error
# trail.  Usage: check.sh <model.pml> <build dir>
set -u

model=$(readlink -f "$1")
out=$2
CC=${CC:-gcc}
fail=0

run() {  # run <name> <expect: pass|fail> [spin -D flags]
    name=$1 expect=$2
    shift 2
    dir=$out/$name
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    if ! (cd "$dir" && spin "$@" -a "$model" >spin.log 2>&1 &&
          $CC -O2 -w -DSAFETY -o pan pan.c >cc.log 2>&1); then
        echo "spin $name: build failed (see $dir)"
        echo "Test result: FAILURE"
        fail=1
        return
    fi
    (cd "$dir" && ./pan -m100000 >pan.log 2>&1)
    errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$dir/pan.log")
    states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$dir/pan.log")
    trail=no
    [ -e "$dir/ppr.pml.trail" ] && trail=yes
    if grep -q 'Search not completed' "$dir/pan.log" && [ "$expect" = pass ]
    then
        errors=incomplete
    fi
    if [ "$expect" = pass ] && [ "$errors" = 0 ] && [ $trail = no ]; then
        res=SUCCESS
    elif [ "$expect" = fail ] && [ -n "$errors" ] && [ "$errors" != 0 ] &&
         [ $trail = yes ]; then
        res=SUCCESS
    else
        res=FAILURE
        fail=1
    fi
    echo "spin $name: expect $expect, errors ${errors:-?}," \
         "states ${states:-?}, trail $trail"
    [ $res = FAILURE ] && grep -m1 'assertion violated' "$dir/pan.log"
    echo "Test result: $res"
}

run model pass
run model-hostile pass -DHOSTILE
run mutant-free-before-confirm fail -DMUTANT_FREE_BEFORE_CONFIRM
run mutant-no-flush fail -DMUTANT_NO_FLUSH
run mutant-no-zero fail -DMUTANT_NO_ZERO

exit $fail
