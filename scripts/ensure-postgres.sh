#!/usr/bin/env bash
# PostgreSQL with PostGIS answering on HOST:PORT, installed and started from the distribution's packages
# where it is missing (Debian and Ubuntu: apt). A cluster this script creates trusts local connections
# (a development machine); an existing one is left as it is configured.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-5432}

answers() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }
newest_cluster() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(newest_cluster)" ]; then
    command -v apt-get >/dev/null || { echo "No PostgreSQL answers on $HOST:$PORT and apt-get is not here: install PostgreSQL 15+ with PostGIS 3, then run again." >&2; exit 1; }
    echo "Installing PostgreSQL and PostGIS from the distribution's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
    version=$(newest_cluster)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$version-postgis-3" >/dev/null
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' | cat - "$hba" > "$hba.new" && mv "$hba.new" "$hba"
    sed -i "s/^#\?port = .*/port = $PORT/" "/etc/postgresql/$version/main/postgresql.conf"
fi

if ! answers; then
    pg_ctlcluster --skip-systemctl-redirect "$(newest_cluster)" main start || true
    for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
answers || { echo "PostgreSQL does not answer on $HOST:$PORT" >&2; exit 1; }
