"""deploy/k8s validates offline against the Kubernetes schemas and stays in step with the code."""

import kubernetes_validate
import pytest
import yaml

from contracts.topics import ALL_TOPICS
from inventory.settings import InventorySettings
from tests.support.infra import REPO
from warehouse.settings import WarehouseSettings

K8S = REPO / "deploy" / "k8s"
KUBERNETES_VERSION = "1.31.0"


def rendered() -> list[dict]:
    """The resources kustomize would emit (namespace and images applied; enough for validation)."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    image = kustomization["images"][0]
    docs = []
    for resource in kustomization["resources"]:
        for doc in yaml.safe_load_all((K8S / resource).read_text()):
            if doc["kind"] != "Namespace":
                doc["metadata"]["namespace"] = kustomization["namespace"]
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


def test_topics_have_designed_partitions_replication_3_and_min_insync_2():
    topics = {d["spec"]["topicName"]: d["spec"] for d in RESOURCES if d["kind"] == "KafkaTopic"}
    assert {name: spec["partitions"] for name, spec in topics.items()} == {t.name: t.partitions for t in ALL_TOPICS}
    for spec in topics.values():
        assert spec["replicas"] == 3
        assert spec["config"]["min.insync.replicas"] == "2"
