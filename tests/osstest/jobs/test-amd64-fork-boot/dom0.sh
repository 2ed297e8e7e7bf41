# dom0 side of test-amd64-fork-boot: the toolstack sees the fork.

check_xl_info() {
    xl info > /tmp/xl-info
    cat /tmp/xl-info
    grep -Eq '^xen_extra +: \.5-dynamicvm' /tmp/xl-info ||
        fail "xen_extra does not carry the dynamicvm tag"
    grep -Eq '^virt_caps +:.* hap' /tmp/xl-info ||
        fail "virt_caps has no hap"
}

check_xl_ppr_info() {
    xl-ppr info
    xl-ppr info | grep -Eq '^dynamicvm +: yes' || fail "xl-ppr does not see the fork"
    [ "$(xl-ppr info -p)" -gt 0 ] || fail "no free pages reported"
}

step xl-info 120 check_xl_info
step xl-ppr-info 60 check_xl_ppr_info
