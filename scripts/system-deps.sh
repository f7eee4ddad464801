#!/bin/sh
# Installs the servers the test suite starts itself (PostgreSQL, Dovecot) when they
# are missing. Debian/Ubuntu only; elsewhere install them with your package manager.
set -eu
missing=""
pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bindir" ] && [ -x "$pg_bindir/initdb" ] || missing="$missing postgresql"
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing="$missing dovecot-imapd"
[ -z "$missing" ] && exit 0
echo "Installing test servers:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Please install:$missing (needs root)" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The packages' own services are not needed (the tests start private instances), so
# keep the installer from starting them where nothing else forbids it.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && made_policy=1
fi
status=0
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null || status=$?
[ -n "$made_policy" ] && $SUDO rm -f "$policy"
exit $status
