"""Settings shared by both services; each service subclasses with its own defaults.

Read once, in the composition root, from the environment (or secret files under
`SECRETS_DIR`, e.g. `/run/secrets/database_url`), never at import time.
"""

import os
import socket

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        secrets_dir=os.environ.get("SECRETS_DIR") or None, extra="ignore"
    )

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    database_url: str
    http_host: str = "127.0.0.1"
    http_port: int
    instance_id: str = Field(default_factory=_default_instance_id)
    log_level: str = "INFO"
    db_pool_max_size: int = 10
    outbox_poll_interval_seconds: float = 1.0
    outbox_batch_size: int = 500
    # Fault drills: the process exits right after committing a message of this ce_type, before
    # acknowledging it, to prove that redelivery changes nothing twice. Empty in production.
    fault_crash_after_commit: str = ""
