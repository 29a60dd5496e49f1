"""deploy/k8s validates offline against the Kubernetes schemas and stays in step with the code."""

import os
import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

from contracts.topics import ALL_TOPICS
from inventory.settings import InventorySettings
from tests.support.infra import REPO
from warehouse.settings import WarehouseSettings

K8S = REPO / "deploy" / "k8s"
KUBERNETES_VERSION = "1.31.0"
KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5@v5.5.0"


KUSTOMIZATION = yaml.safe_load((K8S / "kustomization.yaml").read_text())
[NAMESPACING] = [yaml.safe_load((K8S / name).read_text()) for name in KUSTOMIZATION["transformers"]]
SERVICE_NAMESPACE = NAMESPACING["metadata"]["namespace"]
SETTINGS = {"warehouse": WarehouseSettings, "inventory": InventorySettings}


def rendered() -> list[dict]:
    """The resources kustomize would emit (its namespace transformer and images applied; enough for validation)."""
    assert NAMESPACING["kind"] == "NamespaceTransformer" and NAMESPACING["unsetOnly"] is True
    assert "namespace" not in KUSTOMIZATION, "a plain `namespace:` would move the KafkaTopics too"
    image = KUSTOMIZATION["images"][0]
    docs = []
    for resource in KUSTOMIZATION["resources"]:
        for doc in yaml.safe_load_all((K8S / resource).read_text()):
            if doc["kind"] != "Namespace":
                doc["metadata"].setdefault("namespace", SERVICE_NAMESPACE)
            for container in doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
                if container["image"] == image["name"]:
                    container["image"] = f"{image['newName']}:{image['newTag']}"
            docs.append(doc)
    return docs


RESOURCES = rendered()
BUILT_IN = [d for d in RESOURCES if "strimzi" not in d["apiVersion"]]


@pytest.mark.parametrize("doc", BUILT_IN, ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_manifest_is_valid_against_kubernetes_schema(doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_each_service_runs_several_replicas_with_probes_resources_and_a_disruption_budget():
    for name in ("warehouse", "inventory"):
        [deployment] = [d for d in RESOURCES if d["kind"] == "Deployment" and d["metadata"]["name"] == name]
        [budget] = [d for d in RESOURCES if d["kind"] == "PodDisruptionBudget" and d["metadata"]["name"] == name]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert deployment["spec"]["replicas"] >= 2
        assert 1 <= budget["spec"]["minAvailable"] < deployment["spec"]["replicas"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["resources"]["requests"] and container["resources"]["limits"]
        assert container["command"] == ["python", "-m", name]


def test_environment_names_are_settings_the_services_read():
    known = {f.upper() for f in WarehouseSettings.model_fields} & {f.upper() for f in InventorySettings.model_fields}
    [config] = [d for d in RESOURCES if d["kind"] == "ConfigMap"]
    assert set(config["data"]) <= known
    for deployment in (d for d in RESOURCES if d["kind"] == "Deployment"):
        env = {e["name"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env <= known


def deployment(name: str) -> dict:
    [found] = [d for d in RESOURCES if d["kind"] == "Deployment" and d["metadata"]["name"] == name]
    return found


@pytest.mark.parametrize("name", SETTINGS)
def test_the_read_api_token_and_tracing_are_wired(name):
    [config] = [d for d in RESOURCES if d["kind"] == "ConfigMap"]
    container = deployment(name)["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["READ_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "slt-secrets", "key": "read-api-token",
                                                                  "optional": True}
    assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
    assert config["data"]["OTEL_TRACES_EXPORTER"] == "otlp"
    assert config["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http://")
    WarehouseSettings.model_validate({k.lower(): v for k, v in config["data"].items()} | {"http_port": 1})


@pytest.mark.parametrize("name", SETTINGS)
def test_pods_are_scraped_on_the_port_the_service_listens_on(name):
    template = deployment(name)["spec"]["template"]
    container = template["spec"]["containers"][0]
    port = {e["name"]: e.get("value") for e in container["env"]}["HTTP_PORT"]
    annotations = template["metadata"]["annotations"]
    assert port == str(SETTINGS[name].model_fields["http_port"].default)
    assert container["ports"] == [{"name": "http", "containerPort": int(port)}]
    assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": port, "prometheus.io/path": "/metrics"}


def test_topics_live_in_the_kafka_clusters_namespace_and_everything_else_in_the_services():
    [config] = [d for d in RESOURCES if d["kind"] == "ConfigMap"]
    cluster, namespace = re.fullmatch(r"(\w+)-kafka-bootstrap\.(\w+)\.svc:\d+",
                                      config["data"]["KAFKA_BOOTSTRAP_SERVERS"]).groups()
    topics = [d for d in RESOURCES if d["kind"] == "KafkaTopic"]
    assert {(t["metadata"]["namespace"], t["metadata"]["labels"]["strimzi.io/cluster"]) for t in topics} == \
        {(namespace, cluster)}
    others = {d["metadata"]["namespace"] for d in RESOURCES if d["kind"] not in ("KafkaTopic", "Namespace")}
    assert others == {SERVICE_NAMESPACE} and namespace != SERVICE_NAMESPACE


def test_topics_have_designed_partitions_replication_3_and_min_insync_2():
    topics = {d["spec"]["topicName"]: d["spec"] for d in RESOURCES if d["kind"] == "KafkaTopic"}
    assert {name: spec["partitions"] for name, spec in topics.items()} == {t.name: t.partitions for t in ALL_TOPICS}
    for spec in topics.values():
        assert spec["replicas"] == 3
        assert spec["config"]["min.insync.replicas"] == "2"


def kustomize_build() -> list[dict]:
    """`kustomize build deploy/k8s` with the real kustomize: kubectl's, or the Go module run with Go
    (cached under .cache/ after the first run) on a machine without kubectl."""
    if shutil.which("kubectl"):
        command = ["kubectl", "kustomize", str(K8S)]
        env = os.environ
    else:
        go = shutil.which("go") or "/usr/local/go/bin/go"
        assert os.path.exists(go), "neither kubectl nor Go is installed to run kustomize with"
        command = [go, "run", KUSTOMIZE_MODULE, "build", str(K8S)]
        cache = REPO / ".cache" / "go"
        env = {**os.environ, "GOPATH": str(cache / "path"), "GOCACHE": str(cache / "build"), "GOFLAGS": "-mod=mod"}
    built = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert built.returncode == 0, built.stderr
    return list(yaml.safe_load_all(built.stdout))


def test_real_kustomize_places_every_resource_like_the_rendering_the_other_tests_check():
    placed = {(d["kind"], d["metadata"]["name"]): d["metadata"].get("namespace") for d in kustomize_build()}
    assert placed == {(d["kind"], d["metadata"]["name"]): d["metadata"].get("namespace") for d in RESOURCES}
    assert {ns for (kind, _), ns in placed.items() if kind == "KafkaTopic"} == {"kafka"}
