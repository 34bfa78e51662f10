#!/usr/bin/env bash
# The one test command of Atoll (CI runs it through .ci/run).
#
#   1. installs the Debian packages the tests need, if missing (qemu-user, the
#      aarch64/armhf cross toolchains, llvm-14 for llvm-mc);
#   2. cargo test --workspace --locked (debug profile);
#   3. atoll test filetests/filetests examples;
#   4. cargo fmt --all --check (when rustfmt is installed);
#   5. prints a summary; the last line is "total: N passed, N failed".
#
# Exit status: non-zero if a package cannot be installed or any test fails.
# Set ATOLL_SKIP_INSTALL=1 to skip step 1 (e.g. on a machine without apt).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

PACKAGES=(
    qemu-user
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
    gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf libc6-dev-armhf-cross
    llvm-14
)

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

install_packages() {
    if [ "${ATOLL_SKIP_INSTALL:-0}" = 1 ]; then
        log "package check skipped (ATOLL_SKIP_INSTALL=1)"
        return
    fi
    command -v dpkg >/dev/null 2>&1 || die "dpkg not found: install ${PACKAGES[*]} by hand and set ATOLL_SKIP_INSTALL=1"
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "all ${#PACKAGES[@]} Debian packages present"
        return
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot install ${missing[*]}"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || die "apt-get install ${missing[*]} failed"
}

# Sums "test result: ok. N passed; M failed; ..." lines of cargo test output.
sum_cargo_results() {
    awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
         END { printf "%d %d\n", p, f }' "$1"
}

command -v cargo >/dev/null 2>&1 || die "cargo not found"
install_packages

LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT
status=0

log "cargo test --workspace --locked --no-fail-fast"
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$LOGDIR/cargo.log"
cargo_rc=${PIPESTATUS[0]}
read -r cargo_passed cargo_failed < <(sum_cargo_results "$LOGDIR/cargo.log")
if [ "$cargo_rc" -ne 0 ]; then
    status=1
    # A build failure fails no test; count it so the summary cannot read as green.
    [ "$cargo_failed" -eq 0 ] && cargo_failed=1
fi

ft_passed=0 ft_failed=0 ft_note="not run"
if [ ! -d filetests/filetests ]; then
    ft_note="skipped (no filetests/filetests directory)"
elif ! cargo run --locked -q -- test --help >/dev/null 2>&1; then
    ft_note="skipped (\`atoll test\` does not exist yet)"
else
    log "atoll test filetests/filetests examples"
    cargo run --locked -q -- test filetests/filetests examples 2>&1 | tee "$LOGDIR/filetests.log"
    ft_rc=${PIPESTATUS[0]}
    # The runner's last line is "N passed, N failed".
    if read -r ft_passed ft_failed < <(sed -n 's/^\(.*: \)\{0,1\}\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\2 \3/p' "$LOGDIR/filetests.log" | tail -n 1); then
        ft_note="$ft_passed passed, $ft_failed failed"
    else
        ft_passed=0 ft_failed=0 ft_note="no summary line"
    fi
    if [ "$ft_rc" -ne 0 ]; then
        status=1
        [ "$ft_failed" -eq 0 ] && ft_failed=1
    fi
fi

fmt_note="skipped (rustfmt is not installed)"
if cargo fmt --version >/dev/null 2>&1; then
    log "cargo fmt --all --check"
    if cargo fmt --all --check >"$LOGDIR/fmt.log" 2>&1; then
        fmt_note="clean"
    else
        head -n 40 "$LOGDIR/fmt.log"
        fmt_note="files need \`cargo fmt --all\`"
        status=1
    fi
fi

echo
log "summary"
echo "cargo test: $cargo_passed passed, $cargo_failed failed (exit $cargo_rc)"
echo "filetests: $ft_note"
echo "format: $fmt_note"
echo "total: $((cargo_passed + ft_passed)) passed, $((cargo_failed + ft_failed)) failed"
exit "$status"
