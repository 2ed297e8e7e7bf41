# Guest workload: the XTF-style hypercall tests (tests/osstest/xtf), one
# after the other.  Each prints its own result line ("xtf: NAME: ...");
# the last line counts them, so that a test that printed nothing (or was
# not run) shows.
pass=0 fail=0 skip=0
for t in /bin/xtf/test-*; do
    [ -x "$t" ] || continue
    "$t"
    case $? in
    0) pass=$((pass + 1)) ;;
    77) skip=$((skip + 1)) ;;
    *) fail=$((fail + 1)) ;;
    esac
done
echo "DVM-XTF-DONE pass=$pass fail=$fail skip=$skip"
