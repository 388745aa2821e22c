"""Settings from the environment (REDLINE_*), validated once; unsafe production set-ups refused."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def trusted_proxy_list(value: str) -> list[str]:
    """Comma-separated IP addresses or networks; '*' (trust any peer) is refused: any client could then
    name itself in X-Forwarded-For and escape the login throttle."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"trusted proxy '{item}' is not an IP address or network") from None
    return items


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDLINE_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///./var/redline.db"
    blob_dir: Path = Path("./var/blobs")
    # The platform's key material (signing keys and the like); `redline backup` carries it along.
    key_dir: Path = Path("./var/keys")
    cookie_secure: bool | None = None
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # API tokens end after this many days unless their creator chose fewer or more, never above the cap.
    api_token_days: int = Field(default=90, ge=1)
    api_token_max_days: int = Field(default=365, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_seconds: int = Field(default=300, ge=1)
    # Per client address, across all usernames: this many failed logins within the window refuse that
    # address for one window. Behind a proxy set trusted_proxies so the address is the client's.
    login_ip_max_failures: int = Field(default=20, ge=1)
    login_ip_window_seconds: int = Field(default=900, ge=1)
    # Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or networks);
    # empty: none, the peer address is the client. `redline serve --forwarded-allow-ips` overrides it.
    trusted_proxies: str = ""
    # How long an SQLite writer waits for another process's lock before the request answers 503.
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Per request: the most an uploaded submission package or sample archive may hold, as sent and as
    # decompressed in all; larger ones are refused (413) before they are held in memory.
    max_archive_bytes: int = Field(default=256 * 1024 * 1024, ge=1024 * 1024)
    holidays: list[Path] = []
    # A holiday file may stand in for a year chinesecalendar holds only when this is set; deadlines
    # counted through such a year then say the official calendar was overridden.
    holidays_override: bool = False
    # Platform policy, not statute: the default period a regulator gives for a supplement or a
    # re-assessment when it sets no date of its own.
    supplement_working_days: int = Field(default=15, ge=1, le=120)
    # Entries of the version-stamped read cache (services/cache.py); 0 turns it off.
    read_cache_size: int = Field(default=2048, ge=0)
    # Rendered pages and parts of pages kept beside it, per server process, in MiB of text (about: a character
    # counted as two bytes); 0, or a read cache of 0, turns it off.
    page_cache_mib: int = Field(default=32, ge=0, le=4096)
    # Dask distributed scheduler (tcp://HOST:PORT) for batch probe runs; None runs them on a local process pool.
    dask_scheduler: str | None = None
    # A batch probe run in which no task finishes for this long ends with the pending files named (exit 1).
    probe_stall_seconds: float = Field(default=600.0, gt=0)
    # A platform probe run (a campaign) checks each batch of files in a child process held to these limits:
    # CPU seconds (RLIMIT_CPU) and address space in MiB (RLIMIT_AS); a batch over them fails, never the server.
    probe_cpu_seconds: int = Field(default=600, ge=1, le=24 * 3600)
    probe_memory_mb: int = Field(default=4096, ge=256, le=1 << 20)
    # Background jobs (services/background/jobs.py): auto = procrastinate on PostgreSQL, threads in-process otherwise.
    job_backend: Literal["auto", "inline", "procrastinate"] = "auto"
    job_threads: int = Field(default=2, ge=1, le=64)
    # Seconds between heartbeats of running jobs; a running job silent for 3 beats is failed as orphaned.
    job_heartbeat_seconds: float = Field(default=10.0, gt=0, le=3600)
    # The server's log (stderr): one line per request and each error with its request id.
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["text", "json"] = "text"
    # Deadline reminders (services/reminders/reminders.py): calendar days before a due date, and where they go.
    reminder_days: list[int] = Field(default=[7, 1])
    public_url: str = "http://127.0.0.1:8000"
    # Hosts reminder webhooks may be sent to although they are loopback, private or link-local (comma-separated;
    # an operator's own receiver). Others such are refused (adapters/outbound.py).
    outbound_allowed_hosts: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "redline@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses_or_networks(cls, value: str) -> str:
        return ",".join(trusted_proxy_list(value))

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            if self.cookie_secure is False:
                raise ValueError("REDLINE_COOKIE_SECURE=false is refused in production")
            if self.database_url.startswith("sqlite") and ":memory:" in self.database_url:
                raise ValueError("an in-memory database is refused in production")
        if self.api_token_days > self.api_token_max_days:
            raise ValueError("REDLINE_API_TOKEN_DAYS exceeds REDLINE_API_TOKEN_MAX_DAYS")
        return self

    @property
    def outbound_hosts(self) -> list[str]:
        return [h.strip().lower().strip("[]") for h in self.outbound_allowed_hosts.split(",") if h.strip()]

    @property
    def secure_cookies(self) -> bool:
        """Secure cookies by default; plain HTTP on loopback only in development."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.env is Environment.PRODUCTION
