"""A real single-node Kafka (KRaft) broker without Docker: jars from Maven Central, run by java.

Apache Kafka 4.x publishes its broker as the Maven artifact `org.apache.kafka:kafka_2.13`; its
runtime dependencies are the whole broker. The artifact carries no logging binding
(KAFKA-18466), so slf4j + log4j2 are added, otherwise the broker runs but logs nothing.
The facts this relies on (artifacts, logging binding, KRaft settings) are written out below, where used.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from localstack import procs

KAFKA_VERSION = "4.1.1"
SLF4J_VERSION = "2.0.17"
LOG4J_VERSION = "2.26.1"

# The largest record batch the broker takes. The services' producers send at most KAFKA_MAX_REQUEST_SIZE
# (1,048,576 bytes, refused when an outbox row is written); this leaves room for the batch overhead.
# Kafka's own default, set explicitly so a change is a decision: raise both together, never one alone.
MESSAGE_MAX_BYTES = 1_048_588

_POM_TEMPLATE = Path(__file__).with_name("kafka-pom.xml")
_TOPIC_ALREADY_EXISTS = 36
_STARTED_LINE = "Kafka Server started"


def _pom_text(version: str) -> str:
    return (
        _POM_TEMPLATE.read_text()
        .replace("@KAFKA_VERSION@", version)
        .replace("@SLF4J_VERSION@", SLF4J_VERSION)
        .replace("@LOG4J_VERSION@", LOG4J_VERSION)
    )


def ensure_kafka_libs(cache_dir: Path, version: str = KAFKA_VERSION) -> Path:
    """Resolve the broker's jars into `cache_dir/kafka-<version>/libs` once; return that folder.

    A marker holding the pom's hash makes later runs instant and re-resolves when the pinned
    versions change. The jars land in ~/.m2 as well, so a wiped cache refills without network.
    """
    base = Path(cache_dir).resolve() / f"kafka-{version}"
    libs, marker = base / "libs", base / "resolved.sha256"
    pom = _pom_text(version)
    digest = hashlib.sha256(pom.encode()).hexdigest()
    if marker.exists() and marker.read_text().strip() == digest and any(libs.glob("*.jar")):
        return libs
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is required to resolve Kafka: apt-get install -y maven")
    base.mkdir(parents=True, exist_ok=True)
    (base / "pom.xml").write_text(pom)
    shutil.rmtree(libs, ignore_errors=True)
    print(f"kafka: resolving org.apache.kafka:kafka_2.13:{version} from Maven Central ...", flush=True)
    started = time.monotonic()
    cmd = ["mvn", "-q", "-B", "-f", str(base / "pom.xml"), "dependency:copy-dependencies",
           "-DincludeScope=runtime", f"-DoutputDirectory={libs}"]
    result = subprocess.run(cmd, cwd=base, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-40:]
        raise RuntimeError("resolving Kafka with Maven failed:\n" + "\n".join(output))
    marker.write_text(digest + "\n")
    count = len(list(libs.glob("*.jar")))
    print(f"kafka: {count} jars in {time.monotonic() - started:.1f}s -> {libs}", flush=True)
    return libs


def new_cluster_id() -> str:
    """16 random bytes, base64url without padding: the 22-character KRaft cluster id."""
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()


@dataclass(frozen=True)
class BrokerSecurity:
    """Listeners beside PLAINTEXT (which stays for the controller and the admin): SASL_PLAINTEXT and SASL_SSL,
    both SCRAM-SHA-512, with the users created when the storage is formatted. TLS needs a PKCS#12 keystore
    holding the broker's key and certificate (signed by a CA the clients trust)."""

    sasl_port: int
    ssl_port: int
    users: dict[str, str] = field(default_factory=dict)  # name -> password
    keystore: Path | None = None
    keystore_password: str = ""

    def listeners(self) -> str:
        return f"SASL_PLAINTEXT://127.0.0.1:{self.sasl_port},SASL_SSL://127.0.0.1:{self.ssl_port}"

    def properties(self) -> dict[str, str]:
        scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        return {
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": scram,
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": scram,
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(self.keystore),
            "ssl.keystore.password": self.keystore_password,
            "ssl.key.password": self.keystore_password,
            "ssl.client.auth": "none",
        }

    def scram_arguments(self) -> list[str]:
        """For `kafka-storage format`: KRaft stores SCRAM credentials in its metadata from the start."""
        return [arg for name, password in self.users.items()
                for arg in ("--add-scram", f"SCRAM-SHA-512=[name={name},password={password}]")]


def _server_properties(data_dir: Path, port: int, controller_port: int,
                       security: BrokerSecurity | None = None) -> str:
    """The broker's configuration file; long because it is one: a list of settings, each explained."""
    listeners = f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}"
    protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    if security is not None:
        listeners += "," + security.listeners()
        protocols += ",SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{controller_port}",
        "listeners": listeners,
        "advertised.listeners": listeners,
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": protocols,
        "log.dirs": str(data_dir / "logs"),
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "false",
        "message.max.bytes": str(MESSAGE_MAX_BYTES),
        **(security.properties() if security else {}),
    }
    return "".join(f"{k}={v}\n" for k, v in props.items())


def _log4j2_properties(data_dir: Path) -> str:
    # Appends: wait_ready only reads what this run wrote (from the size the log had at start).
    return f"""status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {data_dir / "server.log"}
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.state.name = state.change.logger
logger.state.level = WARN
"""


class KafkaBroker:
    """One combined broker+controller JVM whose state lives in `data_dir`.

    A data dir formatted before is started again as is (skips the format), which is what makes
    a second `up` take seconds; if the ports changed the KRaft voter endpoint would be stale, so
    the old state is wiped and formatted anew.
    """

    def __init__(self, libs_dir: Path, heap: str = "512m", security: BrokerSecurity | None = None) -> None:
        self.libs_dir = Path(libs_dir)
        self.heap = heap
        self.security = security
        self.data_dir: Path | None = None
        self.port = 0
        self.pid: int | None = None
        self._popen: subprocess.Popen | None = None
        self._log_offset = 0

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _java(self, main: str, *args: str, heap: str) -> list[str]:
        assert self.data_dir is not None
        return ["java", f"-Xms{heap}", f"-Xmx{heap}", "-XX:ActiveProcessorCount=2",
                "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                # Kafka's own shutdown hook logs its orderly stop; log4j's hook would close first.
                "-Dlog4j2.shutdownHookEnabled=false",
                f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
                f"-Dkafka.logs.dir={self.data_dir}", "-cp", f"{self.libs_dir}/*", main, *args]

    def start(self, data_dir: Path, port: int, controller_port: int) -> None:
        if shutil.which("java") is None:
            raise RuntimeError("java (17+) is required: apt-get install -y openjdk-17-jre-headless")
        self.data_dir, self.port = Path(data_dir).resolve(), port
        self.data_dir.mkdir(parents=True, exist_ok=True)
        pid_file, ports_file = self.data_dir / "kafka.pid", self.data_dir / "ports"
        wanted_ports = f"{port} {controller_port}"
        running = procs.read_pid(pid_file, "kafka.Kafka")
        if running is not None:
            if ports_file.read_text().strip() != wanted_ports:
                raise RuntimeError(f"a broker (pid {running}) already runs on {self.data_dir} "
                                   f"with other ports; stop it first (python -m localstack down)")
            print(f"kafka: reusing running broker pid {running}", flush=True)
            self.pid = running
            return
        meta = self.data_dir / "logs" / "meta.properties"
        if meta.exists() and (not ports_file.exists() or ports_file.read_text().strip() != wanted_ports):
            print("kafka: ports changed, wiping old broker state", flush=True)
            shutil.rmtree(self.data_dir / "logs")
        config = self._configure(port, controller_port, format_storage=not meta.exists())
        ports_file.write_text(wanted_ports + "\n")
        log = self.data_dir / "server.log"
        self._log_offset = log.stat().st_size if log.exists() else 0
        with open(self.data_dir / "kafka.out", "wb") as out:
            self._popen = subprocess.Popen(
                self._java("kafka.Kafka", str(config), heap=self.heap), stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, cwd=self.data_dir, start_new_session=True)
        self.pid = self._popen.pid
        pid_file.write_text(f"{self.pid}\n")

    def _configure(self, port: int, controller_port: int, format_storage: bool) -> Path:
        """Write the broker's configuration; format its storage on first start. Returns server.properties."""
        assert self.data_dir is not None
        config = self.data_dir / "server.properties"
        config.write_text(_server_properties(self.data_dir, port, controller_port, self.security))
        (self.data_dir / "log4j2.properties").write_text(_log4j2_properties(self.data_dir))
        if format_storage:
            # The id is one `--cluster-id=` argument: a random id may start with "-".
            fmt = self._java("kafka.tools.StorageTool", "format", "--standalone",
                             f"--cluster-id={new_cluster_id()}", "-c", str(config),
                             *(self.security.scram_arguments() if self.security else ()), heap="256m")
            result = subprocess.run(fmt, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"kafka storage format failed:\n{result.stdout}{result.stderr}")
        return config

    def _alive(self) -> bool:
        if self._popen is not None:
            return self._popen.poll() is None
        return self.pid is not None and procs.pid_alive(self.pid)

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the log says started and a metadata request answers."""
        assert self.data_dir is not None, "start() first"
        deadline = time.monotonic() + timeout
        log = self.data_dir / "server.log"
        while time.monotonic() < deadline:
            if not self._alive():
                raise RuntimeError(f"Kafka broker exited early; {self.data_dir / 'kafka.out'}:\n"
                                   f"{procs.tail(self.data_dir / 'kafka.out')}\n{procs.tail(log)}")
            started = _STARTED_LINE in _read_from(log, self._log_offset)
            if started and procs.run_sync(lambda: _answers_metadata(self.bootstrap)):
                return
            time.sleep(0.3)
        raise TimeoutError(f"Kafka broker not ready after {timeout:.0f}s; see {log}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.pid is not None:
            procs.terminate(self.pid, timeout, self._popen)
        if self.data_dir is not None:
            (self.data_dir / "kafka.pid").unlink(missing_ok=True)
        self.pid, self._popen = None, None


def _read_from(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def stop_leftover(data_dir: Path, timeout: float = 15.0) -> bool:
    """Stop a broker recorded in `data_dir/kafka.pid` (for `down`). True if one was running."""
    pid_file = Path(data_dir) / "kafka.pid"
    pid = procs.read_pid(pid_file, "kafka.Kafka")
    stopped = pid is not None and procs.terminate(pid, timeout)
    pid_file.unlink(missing_ok=True)
    return stopped


async def _answers_metadata(bootstrap: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await asyncio.wait_for(admin.start(), 10)
        await asyncio.wait_for(admin.list_topics(), 10)
        return True
    except Exception:
        return False
    finally:
        await admin.close()


async def create_topics(bootstrap: str, topics: list[tuple[str, int]], timeout: float = 30.0) -> None:
    """Create `(name, partitions)` topics, ignoring ones that exist; wait until all have leaders."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        wanted = [NewTopic(name, partitions, replication_factor=1) for name, partitions in topics]
        response = await admin.create_topics(wanted, timeout_ms=int(timeout * 1000))
        for topic, code, *rest in response.topic_errors:
            if code not in (0, _TOPIC_ALREADY_EXISTS):
                raise RuntimeError(f"creating topic {topic} failed: error {code} {rest}")
        deadline = time.monotonic() + timeout
        names = [name for name, _ in topics]
        while True:
            described = await admin.describe_topics(names)
            if all(t["error_code"] == 0 and t["partitions"]
                   and all(p["leader"] >= 0 for p in t["partitions"]) for t in described):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"topics have no leaders after {timeout:.0f}s: {names}")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
