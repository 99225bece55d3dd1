# Shared set-up for scripts/run and scripts/test: everything a fresh machine needs.

# Installs Debian packages that are missing (as root, or through sudo).
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "==> installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_toolchain() {
  if ! command -v swift >/dev/null 2>&1; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
      [ -x "$dir/swift" ] && export PATH="$dir:$PATH" && break
    done
  fi
  command -v swift >/dev/null 2>&1 || { echo "error: Swift 6.1 or later is required (https://swift.org/install)" >&2; exit 2; }
  # Yams builds its bundled libyaml and swift-crypto its BoringSSL: a C compiler and libc
  # headers. GRDB links the system SQLite; the bubblewrap sandbox compiles its seccomp filter
  # with libseccomp.
  ensure_packages build-essential libsqlite3-dev libseccomp-dev
}

# What the sandbox backends run on: bubblewrap, Podman with runc, gVisor (runsc).
ensure_sandboxes() {
  ensure_packages bubblewrap podman runc runsc
}

# A Python virtual environment at .venv with the given PyPI packages (pinned versions).
ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    python3 -m venv .venv
  fi
  local missing=()
  for requirement in "$@"; do
    .venv/bin/python -m pip show "${requirement%%==*}" >/dev/null 2>&1 || missing+=("$requirement")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "==> installing ${missing[*]} into .venv"
  .venv/bin/python -m pip install -q "${missing[@]}"
}
