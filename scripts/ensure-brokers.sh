#!/usr/bin/env bash
# Redis on 127.0.0.1:6379 and NATS on 127.0.0.1:4222, for the live-broker tests and benchmark: started, or
# installed from the distribution's packages first (Debian and Ubuntu: apt). Neither keeps anything on disk.
set -euo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
install() {
    command -v apt-get >/dev/null || { echo "$1 is missing and apt-get is not here: install it, then run again." >&2; exit 1; }
    echo "Installing $1 from the distribution's packages"
    { [ -n "${APT_UPDATED:-}" ] || apt-get update -qq; } && APT_UPDATED=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}
wait_for() {
    for _ in $(seq 1 30); do answers "$1" && return 0; sleep 0.5; done
    echo "$2 does not answer on 127.0.0.1:$1" >&2
    exit 1
}

if ! answers 6379; then
    command -v redis-server >/dev/null || install redis-server
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    wait_for 6379 Redis
fi

if ! answers 4222; then
    command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || install nats-server
    nats=$(command -v nats-server || echo /usr/sbin/nats-server)
    nohup "$nats" -a 127.0.0.1 -p 4222 >/dev/null 2>&1 &
    wait_for 4222 NATS
fi
