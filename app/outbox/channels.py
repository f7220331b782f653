"""PostgreSQL NOTIFY channels that wake workers when there is work for them."""

DISPATCH_CHANNEL = "trustloop_dispatch"
