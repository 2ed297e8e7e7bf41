# dom0 side of ppr-xen-selftest.
keydump() {
    xl debug-keys W
    sleep 1
    xl dmesg | grep 'PPR' | tail -n 8
    xl dmesg | grep -q -E 'PPR: enabled, period 1000ms, min_age 0ms, 0 domain\(s\) registered' ||
        fail "no PPR dump for debug key W"
    xl dmesg | grep -q -E 'Memory pressure: free [0-9]+ pages, watermarks min [1-9][0-9]* low [1-9][0-9]* high [1-9][0-9]*' ||
        fail "no memory pressure line in the W dump"
}

step keydump 60 keydump
