# dom0 side of ppr-xen-selftest.
keydump() {
    xl debug-keys W
    sleep 1
    xl dmesg | grep 'PPR' | tail -n 8
    xl dmesg | grep -q 'PPR: enabled, period 1000ms, low 0 pages, 0 domain(s) registered' ||
        fail "no PPR dump for debug key W"
}

step keydump 60 keydump
