import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.sla.rules import SlaPolicy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_JWT_SECRET = "trustloop-development-secret-change-me"
BUNDLED_REGION_TIMEZONES = {"liechtenstein": "Europe/Vaduz", "helsinki": "Europe/Helsinki"}


# Verified tokens remembered per process. An app posts its position every few seconds with the same token, and
# checking its signature and claims each time was about a sixth of an idle technician's location request's CPU
# (bench.ingest). A country's technicians (50,000, every node seeing each of them) fit with room; about 0.55 kB
# each, the token included (36 MB when full).
VERIFIED_TOKENS_KEPT = 65_536


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRUSTLOOP_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop"
    database_pool_size: int = 10
    # Container allocations between collections of the youngest generation (app/collector.py); Python's own 700
    # made a loaded API process spend about a tenth of its time in the collector, mostly in full collections.
    collector_threshold: int = Field(default=50_000, ge=100)
    host: str = "127.0.0.1"
    port: int = 8000

    jwt_secret: str = DEV_JWT_SECRET
    jwt_ttl_s: int = 7 * 24 * 3600
    verified_tokens_kept: int = Field(default=VERIFIED_TOKENS_KEPT, ge=0)  # 0: every request checks its token
    # Signs the tracking links; in development it is derived from the JWT secret, production sets its own.
    tracking_secret: str | None = None
    public_url: str = "http://127.0.0.1:8000"  # where people reach the service: the base of the tracking links
    dev_auth: bool = False
    # Firebase Authentication: the mobile apps' ID tokens are accepted when a project is set. The
    # certificates URL replaces Google's (tests and local stand-ins only; refused in production).
    firebase_project_id: str | None = None
    firebase_certificates_url: str | None = None

    region: str = "liechtenstein"
    # Several regions served by one deployment (a comma-separated list); empty: `region` alone. Each region
    # has its own osrm-routed: at TRUSTLOOP_OSRM_URLS[region] (JSON), else on osrm_port + its index.
    regions: Annotated[list[str], NoDecode] = Field(default_factory=list)
    osrm_urls: dict[str, str] = Field(default_factory=dict)
    # Technicians serve the orders of their own region only; with cross_border, those of a neighbouring region
    # too when its roads reach where they stand. A place outside every region is refused either way.
    cross_border: bool = False
    data_dir: Path = PROJECT_ROOT / "var"
    osrm_url: str | None = None
    osrm_port: int = 5000
    osrm_timeout_s: float = 2.0
    osrm_snap_radius_m: float = 200.0
    # How far from a car the road a van is sent to may lie, where the roads nearest the car lead nowhere (a bit of
    # road cut off from the rest, as OSRM marks small components): the technician walks the rest.
    osrm_car_reach_m: float = Field(default=1000.0, gt=0)

    idempotency_ttl_s: int = 48 * 3600
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)  # refused with 413 before it is read further

    dispatch_interval_s: float = Field(default=2.0, gt=0)
    offer_ttl_s: int = Field(default=30, ge=5)
    position_stale_s: int = Field(default=120, gt=0)
    # A free technician whose phone has sent no position for this long is set offline (and told so).
    offline_after_s: int = Field(default=1800, gt=0)
    search_radius_m: float = Field(default=5_000.0, gt=0)
    search_radius_growth_m_per_min: float = Field(default=2_000.0, ge=0)
    max_search_radius_m: float = Field(default=40_000.0, gt=0)
    # A best drive at least this long in a thin circle has the search look past it (dispatch/dispatcher.py).
    widen_search_past_s: float = Field(default=900.0, gt=0)
    candidates_prefilter: int = Field(default=16, ge=1)
    candidates_per_order: int = Field(default=8, ge=1)
    unfulfilled_after_s: int = Field(default=900, gt=0)
    block_csat_at_or_below: int = Field(default=2, ge=1, le=5)

    # A driver's order creations per window, across every API process (cancels are not counted).
    order_requests_per_window: int = Field(default=5, ge=1)
    order_window_s: int = Field(default=600, ge=1)
    partner_order_requests_per_window: int = Field(default=300, ge=1)
    partner_order_window_s: int = Field(default=60, ge=1)
    live_connections_per_token: int = Field(default=5, ge=1)  # open WebSocket/SSE streams per token
    # A partner's live stream asks this often whether its API key still stands: a revoked key ends it (4401).
    api_key_recheck_s: float = Field(default=30.0, ge=1)
    # How live events cross between processes (app/live/brokers.py): PostgreSQL NOTIFY needs nothing more; with
    # Redis or NATS they are published once their transaction commits, and every API process subscribes there.
    live_broker: Literal["postgres", "redis", "nats"] = "postgres"
    live_broker_url: str | None = None  # the broker's address; by default its standard port on 127.0.0.1
    location_requests_per_window: int = Field(default=20, ge=1)
    location_window_s: int = Field(default=10, ge=1)
    eta_refresh_s: float = Field(default=5.0, ge=0)
    off_route_m: float = Field(default=80.0, gt=0)
    arrival_radius_m: float = Field(default=75.0, gt=0)
    arrival_dwell_s: float = Field(default=20.0, ge=0)
    # Stalled and dark technicians on their way (app/live/progress.py): no progress towards the driver (his best
    # remaining road distance not beaten by more than the allowance) for stall_after_s, or no accepted position
    # for dark_after_s, starts an escalation ladder whose steps follow each other every stall_step_s.
    stall_after_s: float = Field(default=480.0, gt=0)
    dark_after_s: float = Field(default=180.0, gt=0)
    stall_allowance_m: float = Field(default=100.0, ge=0)
    stall_step_s: float = Field(default=120.0, ge=0)
    # The offer to re-dispatch (and the driver's push) comes at the latest this long before the promise breaks.
    stall_offer_lead_s: float = Field(default=300.0, ge=0)
    stall_auto_redispatch: bool = False  # re-dispatch at the ladder's last step without waiting for an operator
    # Calibrated promises (dispatch/calibration.py): the arrival promised is kept this share of the time as the
    # SLA counts a promise kept (with the service's arrival tolerance), never earlier than the median of the drive
    # times learnt from finished jobs, which is the live ETA; off, OSRM's estimate is promised as it is.
    promise_calibration: bool = True
    promise_quantile: float = Field(default=0.97, gt=0.5, lt=1)
    calibration_window_days: int = Field(default=90, ge=1)

    log_format: Literal["json", "human"] = "json"  # `make demo` reads the human one
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    access_log: bool = True  # one record per request; the demo turns it off to read the order steps

    timezone: str = "Europe/Vaduz"  # a region's without one of its own below
    # Each region's time zone, for the times its drivers read in pushes and the hours its calibration learns;
    # the bundled regions' are known, a setting adds or replaces: {"tampere": "Europe/Helsinki"}.
    region_timezones: dict[str, str] = Field(default_factory=dict, validate_default=True)
    fcm_credentials: Path | None = None
    fcm_endpoint: str | None = None
    push_interval_s: float = Field(default=1.0, gt=0)
    push_batch_size: int = Field(default=500, ge=1, le=500)  # FCM's send_each takes at most 500
    push_max_attempts: int = Field(default=6, ge=1)
    push_backoff_base_s: float = Field(default=2.0, gt=0)
    push_backoff_cap_s: float = Field(default=300.0, gt=0)
    webhook_interval_s: float = Field(default=1.0, gt=0)
    webhook_batch_size: int = Field(default=100, ge=1, le=1000)
    webhook_timeout_s: float = Field(default=10.0, gt=0)  # a receiver answering 2xx within this has it
    webhook_backoff_base_s: float = Field(default=5.0, gt=0)
    webhook_backoff_cap_s: float = Field(default=1800.0, gt=0)
    webhook_retry_for_s: float = Field(default=25 * 3600.0, gt=0)  # then the delivery is dead (replay revives it)
    webhook_concurrency: int = Field(default=32, ge=1, le=256)
    # Whether webhooks may go to private, loopback and link-local addresses; unset: everywhere but production.
    webhook_private_targets: bool | None = None
    metrics_cache_s: float = Field(default=5.0, ge=0)  # /metrics reads the database at most this often
    # The bearer token Prometheus scrapes /metrics with; without one, /metrics is open in development only.
    metrics_token: str | None = None
    sla_interval_s: float = Field(default=10.0, gt=0)
    follow_up_within_s: float = Field(default=3600.0, gt=0)  # when an unhappy driver must have been called back
    # A failed job's push promises a call "within a few minutes" to arrange another visit or a tow: its case is due.
    failed_job_call_within_s: float = Field(default=300.0, gt=0)
    # When nobody took a request in time, the push promises an operator's call "within minutes": its case is due.
    unfulfilled_call_within_s: float = Field(default=300.0, gt=0)
    # A driver whose cover renews within this many days and whose last experience is a risk gets a call.
    churn_notice_days: int = Field(default=14, ge=1, le=365)
    churn_call_within_s: float = Field(default=2 * 86400.0, gt=0)  # when that call is due (never after the date)
    # Seconds per target, by service or "default": {"tow": {"arrival_within": 3600}} (see app/sla/rules.py).
    sla_targets: dict[str, dict[str, float]] = Field(default_factory=dict)
    # The same by region, for how long help may take there (not the tolerance past a promise):
    # {"helsinki": {"default": {"arrival_within": 1800}}}.
    sla_region_targets: dict[str, dict[str, dict[str, float]]] = Field(default_factory=dict)
    # Which SLA states page the operators by push (to their registered devices); [] for none.
    sla_alert_on: list[str] = Field(default_factory=lambda: ["breached"])

    @model_validator(mode="after")
    def check_service_levels(self) -> "Settings":
        SlaPolicy.from_seconds(self.sla_targets, self.sla_region_targets)  # refuses unknown targets at start
        return self

    @model_validator(mode="after")
    def check_region_timezones(self) -> "Settings":
        # A misspelt region would otherwise fall back to TIMEZONE without a word: wrong times in its pushes. Only
        # a deployment that lists its regions can tell: without REGIONS, every region recorded is served.
        unserved = sorted(
            region
            for region in self.region_timezones
            if self.regions and region not in self.regions and region not in BUNDLED_REGION_TIMEZONES
        )
        if unserved:
            raise ValueError(
                f"TRUSTLOOP_REGION_TIMEZONES names regions this deployment does not serve: {', '.join(unserved)}"
                f" (served: {', '.join(self.served_regions)})"
            )
        return self

    @property
    def webhooks_reach_private(self) -> bool:
        if self.webhook_private_targets is not None:
            return self.webhook_private_targets
        return self.environment != "production"

    @model_validator(mode="after")
    def refuse_insecure_production(self) -> "Settings":
        if self.environment == "production":
            if self.jwt_secret == DEV_JWT_SECRET or len(self.jwt_secret) < 32:
                raise ValueError("TRUSTLOOP_JWT_SECRET must be set to 32+ random characters in production")
            if self.dev_auth:
                raise ValueError("TRUSTLOOP_DEV_AUTH must not be enabled in production")
            if self.firebase_certificates_url or os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
                raise ValueError("Firebase ID tokens must be checked against Google's certificates in production")
            if not self.metrics_token or len(self.metrics_token) < 32:
                raise ValueError("TRUSTLOOP_METRICS_TOKEN must be set to 32+ random characters in production")
            if not self.tracking_secret or len(self.tracking_secret) < 32:
                raise ValueError("TRUSTLOOP_TRACKING_SECRET must be set to 32+ random characters in production")
        return self

    @property
    def effective_tracking_secret(self) -> bytes:
        if self.tracking_secret:
            return self.tracking_secret.encode()
        return hmac.new(self.jwt_secret.encode(), b"trustloop tracking links", hashlib.sha256).digest()

    @field_validator("region_timezones")
    @classmethod
    def _with_bundled_timezones(cls, value: dict[str, str]) -> dict[str, str]:
        return BUNDLED_REGION_TIMEZONES | value

    @field_validator("timezone", "region_timezones")
    @classmethod
    def _known_timezones(cls, value: str | dict[str, str]) -> str | dict[str, str]:
        for name in [value] if isinstance(value, str) else value.values():
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {name!r} (an IANA name such as 'Europe/Helsinki')") from exc
        return value

    def timezone_of(self, region: str | None) -> str:
        """The region's time zone (the deployment's for an order outside every region)."""
        return self.region_timezones.get(region or "", self.timezone)

    @field_validator("regions", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @property
    def served_regions(self) -> list[str]:
        return self.regions or [self.region]

    def osrm_url_of(self, region: str) -> str:
        """Where the region's osrm-routed answers."""
        if region in self.osrm_urls:
            return self.osrm_urls[region]
        if len(self.served_regions) == 1:
            return self.effective_osrm_url
        return f"http://127.0.0.1:{self.osrm_port + self.served_regions.index(region)}"

    def osrm_port_of(self, region: str) -> int:
        return self.osrm_port + self.served_regions.index(region)

    def region_dir_of(self, region: str) -> Path:
        return self.data_dir / "regions" / region

    @property
    def region_dir(self) -> Path:
        return self.region_dir_of(self.region)

    @property
    def effective_live_broker_url(self) -> str:
        """Where the live broker answers (for postgres, the database itself)."""
        if self.live_broker_url:
            return self.live_broker_url
        return {"postgres": self.database_url, "redis": "redis://127.0.0.1:6379/0", "nats": "nats://127.0.0.1:4222"}[
            self.live_broker
        ]

    @property
    def effective_osrm_url(self) -> str:
        return self.osrm_url or f"http://127.0.0.1:{self.osrm_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
