# Dynamic VM: shared shell helpers.  Sourced by every script in scripts/
# and tests/osstest/.  Sets TOP, DVM_BUILD, DVM_CACHE and the Config.mk pins.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DVM_BUILD=${DVM_BUILD:-$TOP/build}
DVM_CACHE=${DVM_CACHE:-/var/cache/dynamicvm}
DVM_DL=$DVM_CACHE/dl
JOBS=${JOBS:-$(nproc)}

# Read `NAME := value` pins from Config.mk into shell variables.
while IFS= read -r line; do
    case "$line" in
        [A-Z]*:=*)
            name=${line%%:=*}; name=${name%% *}
            value=${line#*:=}; value=${value# }
            printf -v "$name" '%s' "$value"
            ;;
    esac
done < "$TOP/Config.mk"
unset line name value

log() { printf '[dvm] %s\n' "$*" >&2; }
die() { printf '[dvm] error: %s\n' "$*" >&2; exit 1; }

# hash_inputs PATH|pin:VAR...: a stable sha256 over names and contents of
# files and directories given relative to $TOP, and over the values of the
# Config.mk pins named pin:VAR (so that a change to one pin rebuilds only
# what uses it).
hash_inputs() (
    cd "$TOP" || exit 1
    for p in "$@"; do
        if [ "${p#pin:}" != "$p" ]; then
            v=${p#pin:}
            printf '%s=%s\n' "$v" "${!v}"
        elif [ -d "$p" ]; then
            (cd "$p" && find . -type f ! -name '*.o' | LC_ALL=C sort | \
                 while read -r f; do printf '%s %s\n' "$p/$f" \
                     "$(sha256sum < "$f" | cut -d' ' -f1)"; done)
        elif [ -f "$p" ]; then
            printf '%s %s\n' "$p" "$(sha256sum < "$p" | cut -d' ' -f1)"
        else
            printf '%s absent\n' "$p"
        fi
    done | sha256sum | cut -c1-16
)

# deb_path PKG VERSION: the cached .deb of a binary package.
deb_path() {
    local f
    f=$(ls "$DVM_DL/$1_$(printf '%s' "$2" | sed 's/:/%3a/')"_*.deb \
        2>/dev/null | head -n1)
    [ -n "$f" ] || die "missing $1 $2 in $DVM_DL (run scripts/fetch.sh)"
    printf '%s\n' "$f"
}

# apply_queue SRC DIR: apply DIR/patches/series to the tree SRC with zero
# fuzz, then copy DIR/overlay/ (our new files) over it.
apply_queue() {
    local src=$1 dir=$2 p
    while read -r p; do
        case "$p" in ''|'#'*) continue ;; esac
        log "applying $p"
        patch -d "$src" -p1 -F0 -N -s --no-backup-if-mismatch \
            < "$dir/patches/$p" || die "patch $p does not apply cleanly"
    done < "$dir/patches/series"
    if [ -d "$dir/overlay" ]; then
        cp -r "$dir/overlay/." "$src/"
    fi
}
