# dom0 side of test-amd64-stock-boot.

check_stock() {
    xl info | grep -E '^(xen_version|xen_extra|virt_caps)'
    xl info | grep -Eq '^xen_extra +: \.5$' || fail "xen_extra is not stock"
    xl-ppr info | grep -Eq '^dynamicvm +: no' || fail "xl-ppr claims a fork"
}

step xl-info 120 check_stock
