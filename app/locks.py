"""PostgreSQL advisory lock keys, in one place, so that no two uses collide.

Each is the first key of the two-key form `pg_*advisory_xact_lock(class, key)`; the second key names what
is locked (a region, a technician)."""

# One dispatcher per region at a time: (DISPATCH_REGION, hashtext(region)).
DISPATCH_REGION = 0x7472
# One trust-score refresh per technician at a time: (TRUST_REFRESH, hashtext(technician id)).
TRUST_REFRESH = 0x7473
# One SLA watcher at a time: (SLA_WATCHER, 0).
SLA_WATCHER = 0x736C
# One stall watch at a time: (STALL_WATCH, 0).
STALL_WATCH = 0x7374
