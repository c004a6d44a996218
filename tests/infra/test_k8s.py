"""Kubernetes manifests: each overlay renders with kustomize, every object validates against the target
Kubernetes API, checkov passes with a short justified skip list, and the manifests match what the application
really reads (settings, secret files) and serves (ports, probe paths)."""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import build_parser
from mess.config import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
OVERLAYS = ("staging", "production")
# The EKS version of infra/versions.yml (tests/infra/test_versions.py keeps Terraform on it too).
VERSIONS = yaml.safe_load((ROOT / "infra" / "versions.yml").read_text(encoding="utf-8"))
KUBERNETES_VERSION = f"{VERSIONS['kubernetes']['version']}.0"
# Custom resources (Prometheus Operator, External Secrets, Argo Rollouts): kubernetes-validate only knows built-in
# kinds, so they are validated against the CRD schemas vendored in k8s/schemas (k8s/tools/vendor_crd_schemas.py).
CUSTOM_KINDS = {
    "ServiceMonitor",
    "PrometheusRule",
    "Probe",
    "ExternalSecret",
    "SecretStore",
    "Rollout",
    "AnalysisTemplate",
}
SCHEMAS = K8S / "schemas"
APP_DEPLOYMENTS = {"mess-web", "mess-worker", "mess-beat", "mess-analytics"}
EXPORTERS = {"mess-postgres-exporter": ("postgres", 9187), "mess-redis-exporter": ("redis", 9121)}
WORKLOAD_KINDS = {"Deployment", "Job"}

Obj = dict[str, Any]


@functools.cache
def _render(kubectl: str, overlay: str) -> str:
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
    return result.stdout


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def rendered(tool, overlay: str) -> str:
    return _render(tool("kubectl"), overlay)


@functools.cache
def _parse(rendered: str) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


@pytest.fixture
def objects(rendered: str) -> list[Obj]:
    # Parsed once per overlay (~0.25 s of CPU each time, for some 40 tests); each test gets its own copy.
    return copy.deepcopy(_parse(rendered))


def _one(objects: list[Obj], kind: str, name: str) -> Obj:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def _workloads(objects: list[Obj]) -> list[Obj]:
    """The app's own workloads (the exporters run third-party images and are checked on their own)."""
    return [o for o in objects if o["kind"] in WORKLOAD_KINDS and o["metadata"]["name"] not in EXPORTERS]


def _pod_spec(workload: Obj) -> Obj:
    spec: Obj = workload["spec"]["template"]["spec"]
    return spec


def _containers(objects: list[Obj]) -> list[tuple[Obj, Obj]]:
    return [(w, c) for w in _workloads(objects) for c in _pod_spec(w)["containers"]]


def _known_env_names() -> set[str]:
    """MESS_* variables the app reads: every Settings field, plus what mess/config.py reads from os.environ."""
    names = {f"MESS_{field.upper()}" for field in Settings.model_fields}
    source = (ROOT / "mess" / "config.py").read_text(encoding="utf-8")
    names |= set(re.findall(r"environ(?:\.get\(|\[)\s*[\"'](MESS_\w+)[\"']", source))
    return names


# --- rendering and schema validation -----------------------------------------------------------------------


def test_overlay_renders_every_object_into_its_namespace(objects: list[Obj], overlay: str) -> None:
    namespace = f"mess-{overlay}"
    _one(objects, "Namespace", namespace)
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "Ingress", "Job", "ConfigMap", "HorizontalPodAutoscaler"} <= kinds
    assert {"PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule"} <= kinds
    assert {o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"} == APP_DEPLOYMENTS | set(EXPORTERS)
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == namespace, f"{obj['kind']}/{obj['metadata']['name']}"
        labels = obj["metadata"].get("labels", {})
        assert labels.get("app.kubernetes.io/part-of") == "hostel-mess", obj["metadata"]["name"]
        assert labels.get("app.kubernetes.io/instance") == namespace, obj["metadata"]["name"]
    # No secret values are committed: the Secret is created by the deploy (External Secrets or kubectl).
    assert "Secret" not in kinds


def test_every_builtin_object_validates_against_kubernetes(
    tool, objects: list[Obj], tmp_path: Path, overlay: str
) -> None:
    builtin = [o for o in objects if o["kind"] not in CUSTOM_KINDS]
    assert {o["kind"] for o in objects} - {o["kind"] for o in builtin} <= CUSTOM_KINDS
    files = []
    for index, obj in enumerate(builtin):
        path = tmp_path / f"{index:02d}-{obj['kind']}-{obj['metadata']['name']}.yaml"
        path.write_text(yaml.safe_dump(obj), encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [tool("kubernetes-validate"), "--kubernetes-version", KUBERNETES_VERSION, "--strict", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every object was really checked: an unknown kind only warns, so demand a "passed" line for each.
    for obj in builtin:
        marker = f"passed for resource {obj['kind'].lower()}/{obj['metadata']['name']}"
        assert marker in output, f"{overlay}: {obj['kind']}/{obj['metadata']['name']} not validated:\n{output}"


def _validate_custom(obj: Obj) -> list[str]:
    import jsonschema

    group, version = obj["apiVersion"].split("/")
    path = SCHEMAS / group / f"{obj['kind']}_{version}.json"
    assert path.is_file(), f"no vendored schema for {obj['apiVersion']} {obj['kind']} (k8s/tools/vendor_crd_schemas.py)"
    validator = jsonschema.Draft7Validator(json.loads(path.read_text(encoding="utf-8")))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]


def test_custom_resources_validate_against_the_vendored_crd_schemas(objects: list[Obj]) -> None:
    custom = [o for o in objects if o["kind"] in CUSTOM_KINDS]
    assert {o["kind"] for o in custom} == CUSTOM_KINDS
    for obj in custom:
        assert _validate_custom(obj) == [], f"{obj['kind']}/{obj['metadata']['name']}"


def test_vendored_schemas_reject_unknown_and_mistyped_fields() -> None:
    store = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "SecretStore",
        "metadata": {"name": "x"},
        "spec": {"provider": {"aws": {"service": "SecretsManager", "region": "ap-south-1", "typo": 1}}},
    }
    assert any("typo" in e for e in _validate_custom(store))
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "x"},
        "spec": {"selector": {}, "endpoints": [{"interval": 15}]},
    }
    assert _validate_custom(monitor)


def test_kubernetes_validate_rejects_a_broken_deployment(tool, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "broken"},
                "spec": {"replicas": "two", "selector": {}, "template": {"spec": {"containers": []}}},
            }
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [tool("kubernetes-validate"), "--kubernetes-version", KUBERNETES_VERSION, "--strict", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


# --- checkov --------------------------------------------------------------------------------------------------


def _checkov_skips() -> dict[str, str]:
    skips = yaml.safe_load((K8S / "checkov-skips.yaml").read_text(encoding="utf-8"))
    assert isinstance(skips, dict)
    for check, reason in skips.items():
        assert re.fullmatch(r"CKV_[A-Z0-9]+_\d+", check), check
        assert isinstance(reason, str) and len(reason.split()) >= 8, f"{check} needs a real reason"
    return skips


def _checkov(checkov: str, targets: list[Path], skips: list[str]) -> tuple[int, list[str], str]:
    args = [checkov, "--skip-download", "--quiet", "--output", "json", "--framework", "dockerfile", "kubernetes"]
    for target in targets:
        args += ["--file", str(target)]
    if skips:
        args += ["--skip-check", ",".join(skips)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert result.stdout.strip(), result.stderr
    reports = json.loads(result.stdout)
    if isinstance(reports, dict):
        reports = [reports]
    failed = [check["check_id"] for report in reports for check in report["results"]["failed_checks"]]
    return result.returncode, failed, result.stdout


def test_checkov_passes_on_dockerfile_and_rendered_manifests(tool, tmp_path: Path) -> None:
    targets = [ROOT / "Dockerfile"]
    for name in OVERLAYS:
        path = tmp_path / f"{name}.yaml"
        path.write_text(_render(tool("kubectl"), name), encoding="utf-8")
        targets.append(path)
    skips = _checkov_skips()
    # One run without the skips (checkov's start-up alone is ~3 s of CPU): what fails with --skip-check is what
    # fails here minus the skipped check ids, and exit code 1 means failed checks and nothing else.
    returncode, failed_unskipped, _ = _checkov(tool("checkov"), targets, [])
    failed = [check for check in failed_unskipped if check not in skips]
    assert failed == [] and returncode == (1 if failed_unskipped else 0), f"checkov failed: {sorted(set(failed))}"
    # The skip list stays short and true: each skipped check must still fire without its skip.
    stale = sorted(set(skips) - set(failed_unskipped))
    assert not stale, f"remove these skips from k8s/checkov-skips.yaml, they no longer fire: {stale}"


# --- monitoring objects ---------------------------------------------------------------------------------------


def _renderer():
    spec = importlib.util.spec_from_file_location("render_prometheusrule", K8S / "tools" / "render_prometheusrule.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_prometheusrule_is_the_committed_rendering_of_the_canonical_rules() -> None:
    renderer = _renderer()
    committed = (K8S / "base" / "monitoring" / "prometheusrule.yaml").read_text(encoding="utf-8")
    assert committed == renderer.render(), "stale: run python k8s/tools/render_prometheusrule.py"
    # And the rendering carries the rules unchanged.
    source_groups = []
    for path in renderer.rule_files():
        source_groups += yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    assert yaml.safe_load(committed)["spec"]["groups"] == source_groups


def test_prometheus_operator_objects_find_the_app(objects: list[Obj], overlay: str) -> None:
    monitor = _one(objects, "ServiceMonitor", "mess")
    expression = monitor["spec"]["selector"]["matchExpressions"][0]
    assert expression["key"] == "app.kubernetes.io/name"
    scraped = set(expression["values"])
    assert scraped == {"mess-web", "mess-worker", "mess-beat"}
    endpoint_ports = {e["port"] for e in monitor["spec"]["endpoints"]}
    for name in scraped:
        service = _one(objects, "Service", name)
        # The job label is the Service name: the rules and dashboards use job="mess-web" etc.
        assert {p["name"] for p in service["spec"]["ports"]} & endpoint_ports, name
        assert service["metadata"]["labels"]["app.kubernetes.io/name"] == name
    probe = _one(objects, "Probe", "mess-analytics")
    assert probe["spec"]["jobName"] == "mess-analytics"
    (target,) = probe["spec"]["targets"]["staticConfig"]["static"]
    assert target == f"http://mess-analytics.mess-{overlay}.svc:8501/analytics/_stcore/health"
    rules = _one(objects, "PrometheusRule", "mess")
    assert rules["spec"]["groups"]


# --- workload shape -------------------------------------------------------------------------------------------


def test_rollouts_never_drop_capacity_and_beat_is_a_singleton(objects: list[Obj]) -> None:
    for name in ("mess-web", "mess-worker", "mess-analytics"):
        strategy = _one(objects, "Deployment", name)["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate", name
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name
    beat = _one(objects, "Deployment", "mess-beat")["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}
    assert not [h for h in objects if h["kind"] == "HorizontalPodAutoscaler" and "beat" in h["metadata"]["name"]]


def test_autoscalers_and_disruption_budgets_target_real_workloads(objects: list[Obj]) -> None:
    scaled = {}
    for hpa in (o for o in objects if o["kind"] == "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        _one(objects, target["kind"], target["name"])
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        scaled[target["name"]] = hpa["spec"]["minReplicas"]
    assert set(scaled) == {"mess-web", "mess-worker"}
    budgets = [o for o in objects if o["kind"] == "PodDisruptionBudget"]
    assert {b["metadata"]["name"] for b in budgets} == {"mess-web", "mess-worker"}
    for budget in budgets:
        selector = budget["spec"]["selector"]["matchLabels"]
        deployment = _one(objects, "Deployment", budget["metadata"]["name"])
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        # A budget that the autoscaler's floor cannot satisfy would block every node drain.
        assert budget["spec"]["minAvailable"] < scaled[budget["metadata"]["name"]]


def test_every_pod_is_locked_down(objects: list[Obj]) -> None:
    for workload, container in _containers(objects):
        where = f"{workload['metadata']['name']}/{container['name']}"
        pod = _pod_spec(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod["securityContext"]["runAsUser"] == 10001, where
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert pod["automountServiceAccountToken"] is False, where
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True, where
        assert context["allowPrivilegeEscalation"] is False, where
        assert context["capabilities"] == {"drop": ["ALL"]}, where
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], where
        resources = container["resources"]
        assert {"cpu", "memory"} <= resources["requests"].keys(), where
        assert {"cpu", "memory"} <= resources["limits"].keys(), where


def test_ingress_routes_pages_api_and_analytics(objects: list[Obj]) -> None:
    ingress = _one(objects, "Ingress", "mess")
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] in ingress["spec"]["tls"][0]["hosts"]
    routes = {p["path"]: p["backend"]["service"] for p in rule["http"]["paths"]}
    assert {path: s["name"] for path, s in routes.items()} == {
        "/": "mess-web",
        "/api": "mess-web",
        "/analytics": "mess-analytics",
    }
    for service_ref in routes.values():
        service = _one(objects, "Service", service_ref["name"])
        assert service_ref["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_ingress_gets_its_certificate_from_cert_manager(objects: list[Obj]) -> None:
    ingress = _one(objects, "Ingress", "mess")
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt"
    (tls,) = ingress["spec"]["tls"]
    assert tls["secretName"] == "mess-tls" and tls["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    assert not any(k.startswith("nginx.") for k in ingress["metadata"]["annotations"]), "ingress-nginx is retired"
    # The ClusterIssuer it names is the platform role's, solving HTTP-01 through the same ingress class.
    platform = (ROOT / "ansible/roles/platform/templates/cluster-issuers.yml.j2").read_text(encoding="utf-8")
    assert "kind: ClusterIssuer" in platform and "('letsencrypt'," in platform
    assert "ingressClassName: traefik" in platform


def test_secrets_come_from_secrets_manager_through_external_secrets(objects: list[Obj], overlay: str) -> None:
    store = _one(objects, "SecretStore", "aws-secrets-manager")
    account = store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"]
    _one(objects, "ServiceAccount", account)
    app = _one(objects, "ExternalSecret", "mess-secrets")
    assert app["spec"]["target"]["name"] == "mess-secrets"
    assert app["spec"]["dataFrom"] == [{"extract": {"key": f"hostel-mess/{overlay}/app"}}]
    exporters = _one(objects, "ExternalSecret", "mess-exporters")
    assert {d["remoteRef"]["key"] for d in exporters["spec"]["data"]} == {f"hostel-mess/{overlay}/app"}
    for name in APP_DEPLOYMENTS:
        annotations = _one(objects, "Deployment", name)["metadata"]["annotations"]
        assert annotations["secret.reloader.stakater.com/reload"] == "mess-secrets", name


def test_exporters_are_locked_down_and_scraped_under_the_rules_job_names(objects: list[Obj]) -> None:
    monitor = _one(objects, "ServiceMonitor", "mess-dependencies")
    assert set(monitor["spec"]["selector"]["matchExpressions"][0]["values"]) == set(EXPORTERS)
    (relabel,) = monitor["spec"]["endpoints"][0]["relabelings"]
    rules = (ROOT / "infra/monitoring/prometheus/rules/mess.rules.yml").read_text(encoding="utf-8")
    for name, (job, port) in EXPORTERS.items():
        assert re.fullmatch(relabel["regex"], name) and re.sub(relabel["regex"], job, name) == job
        assert f'up{{job="{job}"}}' in rules
        deployment = _one(objects, "Deployment", name)
        pod = _pod_spec(deployment)
        (container,) = pod["containers"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["automountServiceAccountToken"] is False
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
        assert container["ports"] == [{"name": "metrics", "containerPort": port}]
        assert all(e["valueFrom"]["secretKeyRef"]["name"] == "mess-exporters" for e in container["env"])
        image = container["image"]
        assert image.split(":")[-1] == VERSIONS["exporter_images"][image.rsplit(":", 1)[0]], image


def test_migration_job_runs_mess_migrate_once(objects: list[Obj]) -> None:
    job = _one(objects, "Job", "mess-migrate")
    assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"
    pod = _pod_spec(job)
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["command"] == ["mess", "migrate"]
    build_parser().parse_args(["migrate", *pod["containers"][0].get("args", [])])
    # Nothing else carries the migration label, so the deploy can apply the Job alone, then the rest.
    others = [
        o
        for o in objects
        if o is not job and o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "migration"
    ]
    assert others == []


# --- network policies -----------------------------------------------------------------------------------------


def _selects(policy: Obj, labels: dict[str, str]) -> bool:
    selector = policy["spec"]["podSelector"]
    if not selector:
        return True
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def _pod_labels(objects: list[Obj], name: str) -> dict[str, str]:
    workload = next(w for w in objects if w["kind"] in WORKLOAD_KINDS and w["metadata"]["name"] == name)
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def _peer_matches(peer: Obj, *, namespace: str | None, pod_labels: dict[str, str] | None) -> bool:
    """namespace None = a pod of the policy's own namespace with pod_labels; else any pod of that namespace."""
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        wanted = peer["namespaceSelector"].get("matchLabels", {})
        # Any podSelector inside that namespace is the other side's business (e.g. kube-dns).
        return namespace is not None and wanted.get("kubernetes.io/metadata.name") == namespace
    if namespace is not None or pod_labels is None:
        return False
    return peer.get("podSelector", {}).get("matchLabels", {}).items() <= pod_labels.items()


def _allowed(
    objects: list[Obj],
    direction: str,
    pod: str,
    port: int,
    protocol: str = "TCP",
    *,
    namespace: str | None,
    pod_labels: dict[str, str] | None,
) -> bool:
    labels = _pod_labels(objects, pod)
    key, peers_key = ("ingress", "from") if direction == "ingress" else ("egress", "to")
    for policy in (o for o in objects if o["kind"] == "NetworkPolicy"):
        if direction.capitalize() not in policy["spec"]["policyTypes"] or not _selects(policy, labels):
            continue
        for rule in policy["spec"].get(key, []):
            ports = rule.get("ports")
            if ports and not any(p["port"] == port and p.get("protocol", "TCP") == protocol for p in ports):
                continue
            peers = rule.get(peers_key)
            if not peers or any(_peer_matches(p, namespace=namespace, pod_labels=pod_labels) for p in peers):
                return True
    return False


def test_network_policies_deny_by_default_and_allow_the_real_flows(objects: list[Obj]) -> None:
    deny = _one(objects, "NetworkPolicy", "default-deny-all")["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    ingress_controller: dict[str, Any] = {"namespace": "traefik", "pod_labels": None}
    monitoring: dict[str, Any] = {"namespace": "monitoring", "pod_labels": None}
    assert _allowed(objects, "ingress", "mess-web", 8000, **ingress_controller)
    assert _allowed(objects, "ingress", "mess-analytics", 8501, **ingress_controller)
    for pod in APP_DEPLOYMENTS | {"mess-migrate"}:
        for port in (5432, 6379):
            assert _allowed(objects, "egress", pod, port, namespace=None, pod_labels={}), (pod, port)
        for protocol in ("UDP", "TCP"):
            assert _allowed(objects, "egress", pod, 53, protocol, namespace="kube-system", pod_labels=None)
    for pod, port in (("mess-web", 8000), ("mess-worker", 9808), ("mess-beat", 9809), ("mess-analytics", 8501)):
        assert _allowed(objects, "ingress", pod, port, **monitoring), pod
    analytics = _pod_labels(objects, "mess-analytics")
    web = _pod_labels(objects, "mess-web")
    assert _allowed(objects, "ingress", "mess-web", 8000, namespace=None, pod_labels=analytics)
    assert _allowed(objects, "egress", "mess-analytics", 8000, namespace=None, pod_labels=web)
    for exporter, (_, port) in EXPORTERS.items():
        assert _allowed(objects, "ingress", exporter, port, **monitoring), exporter
        assert _allowed(
            objects, "egress", exporter, 5432 if "postgres" in exporter else 6379, namespace=None, pod_labels={}
        )
    # cert-manager's HTTP-01 solver pods are reachable through the ingress controller only.
    solver = [
        p
        for p in objects
        if p["kind"] == "NetworkPolicy"
        and _selects(p, {"acme.cert-manager.io/http01-solver": "true"})
        and "Ingress" in p["spec"]["policyTypes"]
        and p["spec"].get("ingress")
    ]
    assert len(solver) == 1, "one policy lets Let's Encrypt reach the HTTP-01 solver"
    (rule,) = solver[0]["spec"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 8089}]
    assert rule["from"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "traefik"}
    # And what must stay closed.
    assert not _allowed(objects, "ingress", "mess-worker", 9808, **ingress_controller)
    assert not _allowed(objects, "ingress", "mess-web", 8000, namespace="default", pod_labels=None)
    assert not _allowed(objects, "egress", "mess-web", 443, namespace=None, pod_labels={})
    assert not _allowed(objects, "ingress", "mess-worker", 9808, namespace=None, pod_labels=web)


def test_web_worker_and_beat_export_traces_to_tempo_only(objects: list[Obj]) -> None:
    """Issue 20: OTLP/HTTP to Tempo's pods in monitoring (ansible/roles/platform) and nowhere else on 4318."""
    config = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("mess-config"))
    assert config["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://tempo.monitoring.svc:4318"
    assert config["data"]["OTEL_TRACES_EXPORTER"] == "otlp" and config["data"]["MESS_LOG_FORMAT"] == "json"
    tempo = {"app.kubernetes.io/name": "tempo"}
    for pod in ("mess-web", "mess-worker", "mess-beat"):
        assert _allowed(objects, "egress", pod, 4318, namespace="monitoring", pod_labels=tempo), pod
        assert not _allowed(objects, "egress", pod, 4318, namespace="default", pod_labels=tempo), pod
    assert not _allowed(objects, "egress", "mess-analytics", 4318, namespace="monitoring", pod_labels=tempo)


def test_web_goes_out_as_a_canary_that_aborts_on_the_slo_burn_rates(objects: list[Obj], overlay: str) -> None:
    """Issue 20: the Rollout runs the mess-web Deployment's template in weighted steps with an analysis that fails
    on the SLO burn-rate alerts or the canary's own 5xx ratio; the Deployment holds the template at 0 replicas."""
    rollout = _one(objects, "Rollout", "mess-web")["spec"]
    assert rollout["workloadRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "mess-web",
        "scaleDown": "progressively",
    }
    assert _one(objects, "Deployment", "mess-web")["spec"]["replicas"] == 0
    assert rollout["replicas"] == (3 if overlay == "production" else 2)
    canary = rollout["strategy"]["canary"]
    assert canary["maxUnavailable"] == 0
    weights = [step["setWeight"] for step in canary["steps"] if "setWeight" in step]
    assert weights == sorted(weights) and 0 < weights[0] < 50 and all(w < 100 for w in weights)
    assert any("pause" in step for step in canary["steps"])
    [template_ref] = canary["analysis"]["templates"]
    template = _one(objects, "AnalysisTemplate", template_ref["templateName"])["spec"]
    queries = " ".join(m["provider"]["prometheus"]["query"] for m in template["metrics"])
    rules = (ROOT / "infra/monitoring/prometheus/rules/slo.rules.yml").read_text()
    for alert in ("MessAvailabilityBudgetBurnFast", "MessBookingLatencyBudgetBurnFast"):
        assert alert in queries and f"alert: {alert}" in rules, alert
    assert "{{args.canary-hash}}" in queries and "mess_http_requests_total" in queries
    passed = {arg["name"] for arg in canary["analysis"]["args"]}
    declared = {arg["name"] for arg in template["args"] if "value" not in arg}
    assert declared == passed
    hpa = _one(objects, "HorizontalPodAutoscaler", "mess-web")["spec"]["scaleTargetRef"]
    assert hpa == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "mess-web"}


def test_flux_reconciles_the_overlays_from_the_repository(tool) -> None:
    """Issue 20, GitOps as an option: the Flux objects validate against the vendored CRD schemas (Flux of
    infra/versions.yml) and reconcile the overlays that exist, production after staging."""
    flux = K8S / "gitops" / "flux"
    result = subprocess.run([tool("kubectl"), "kustomize", str(flux)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    objects = [o for o in yaml.safe_load_all(result.stdout) if o]
    assert {o["kind"] for o in objects} == {"GitRepository", "Kustomization"}
    for obj in objects:
        assert _validate_custom(obj) == [], f"{obj['kind']}/{obj['metadata']['name']}"
        assert obj["metadata"]["namespace"] == "flux-system"
    [source] = [o for o in objects if o["kind"] == "GitRepository"]
    kustomizations = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "Kustomization"}
    assert set(kustomizations) == {f"mess-{overlay}" for overlay in OVERLAYS}
    for name, spec in kustomizations.items():
        assert spec["sourceRef"] == {"kind": "GitRepository", "name": source["metadata"]["name"]}
        assert (ROOT / spec["path"] / "kustomization.yaml").is_file(), name
        assert spec["path"] == f"./k8s/overlays/{name.removeprefix('mess-')}"
        assert spec["prune"] is True and spec["wait"] is True
    assert kustomizations["mess-production"]["dependsOn"] == [{"name": "mess-staging"}]
    assert f"flux install --version {VERSIONS['flux']}" in (flux / "kustomization.yaml").read_text()


# --- the application contract ---------------------------------------------------------------------------------


def test_configured_variables_are_real_settings(objects: list[Obj]) -> None:
    known = _known_env_names()
    config = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("mess-config"))
    used = {name for name in config["data"] if name.startswith("MESS_")}
    for _, container in _containers(objects):
        used |= {e["name"] for e in container.get("env", []) if e["name"].startswith("MESS_")}
        assert [ref["configMapRef"]["name"] for ref in container["envFrom"]] == [config["metadata"]["name"]]
    assert used, "no MESS_ variables found"
    assert not used - known, f"not settings the app reads: {sorted(used - known)}"
    # The ConfigMap's values must load: the app would refuse them at start otherwise.
    fields = {f"MESS_{f.upper()}": f for f in Settings.model_fields}
    Settings(**{fields[k]: v for k, v in config["data"].items() if k in fields}, secret_key="x" * 40)


def test_secret_files_are_read_by_the_settings(objects: list[Obj], tmp_path: Path) -> None:
    config = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("mess-config"))
    secrets_dir = config["data"]["MESS_SECRETS_DIR"]
    for workload, container in _containers(objects):
        where = f"{workload['metadata']['name']}/{container['name']}"
        mount = next(m for m in container["volumeMounts"] if m["mountPath"] == secrets_dir)
        volume = next(v for v in _pod_spec(workload)["volumes"] if v["name"] == mount["name"])
        files = {}
        for source in volume["projected"]["sources"]:
            assert source["secret"]["name"] == "mess-secrets", where
            for item in source["secret"]["items"]:
                files[item["path"]] = f"{item['key']}-in-{item['path']}-" + "x" * 32
        assert {"mess_database_url", "mess_redis_url", "mess_secret_key"} <= files.keys(), where
        directory = tmp_path / where.replace("/", "-")
        directory.mkdir()
        for path, value in files.items():
            (directory / path).write_text(value, encoding="utf-8")
        # What pydantic-settings reads from the mounted Secret directory (MESS_SECRETS_DIR).
        settings = Settings(_secrets_dir=directory)
        for path, value in files.items():
            field = path.removeprefix("mess_")
            assert field in Settings.model_fields, f"{where}: {path} names no setting"
            read = getattr(settings, field)
            read = read.get_secret_value() if hasattr(read, "get_secret_value") else read
            assert read == value, f"{where}: the Secret file {path} is not read into Settings.{field}"


def test_ports_commands_and_probes_match_the_app(objects: list[Obj]) -> None:
    defaults = Settings()
    expected = {
        "mess-web": (["mess", "serve"], "http", defaults.web_port, "/healthz", "/readyz?broker=optional"),
        "mess-worker": (["mess", "worker"], "metrics", defaults.worker_metrics_port, None, None),
        "mess-beat": (["mess", "beat"], "metrics", defaults.beat_metrics_port, None, None),
        "mess-analytics": (["mess", "analytics"], "http", defaults.analytics_port, None, None),
    }
    for name, (command, port_name, port, live_path, ready_path) in expected.items():
        (container,) = _pod_spec(_one(objects, "Deployment", name))["containers"]
        assert container["command"] == command, name
        assert container["ports"] == [{"name": port_name, "containerPort": port}], name
        args = container.get("args", [])
        build_parser().parse_args([*command[1:], *args])  # argparse exits on anything `mess` does not accept
        if "--port" in args:
            assert args[args.index("--port") + 1] == str(port), name
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert container[probe]["httpGet"]["port"] == port_name, (name, probe)
        if live_path:
            assert container["startupProbe"]["httpGet"]["path"] == live_path
            assert container["livenessProbe"]["httpGet"]["path"] == live_path
            assert container["readinessProbe"]["httpGet"]["path"] == ready_path
        service = _one(objects, "Service", name)
        assert [(p["name"], p["port"]) for p in service["spec"]["ports"]] == [(port_name, port)], name
    analytics = _pod_spec(_one(objects, "Deployment", "mess-analytics"))["containers"][0]
    assert analytics["livenessProbe"]["httpGet"]["path"] == "/analytics/_stcore/health"
    worker = _pod_spec(_one(objects, "Deployment", "mess-worker"))["containers"][0]
    assert worker["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_web_serves_the_probe_paths() -> None:
    from fastapi.testclient import TestClient

    from web.main import create_app

    app = create_app()
    client = TestClient(app)
    # Liveness and metrics need nothing but the process; readiness checks the database, so only its route.
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert "/readyz" in app.openapi()["paths"]


def test_images_are_the_dockerfile_targets(objects: list[Obj], overlay: str) -> None:
    for workload, container in _containers(objects):
        repository = container["image"].split("@")[0].rsplit(":", 1)[0].rsplit("/", 1)[-1]
        expected = "hostel-mess-analytics" if workload["metadata"]["name"] == "mess-analytics" else "hostel-mess"
        assert repository == expected, workload["metadata"]["name"]
        assert not container["image"].endswith(":latest") and ":" in container["image"]


def test_dashboards_are_configmaps_for_the_cluster_grafana(objects: list[Obj]) -> None:
    spec = importlib.util.spec_from_file_location("render_dashboards", K8S / "tools" / "render_dashboards.py")
    assert spec and spec.loader
    renderer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(renderer)
    committed = (K8S / "base" / "monitoring" / "dashboards.yaml").read_text(encoding="utf-8")
    assert committed == renderer.render(), "stale: run python k8s/tools/render_dashboards.py"
    sources = {p.name for p in (ROOT / "infra/monitoring/grafana/dashboards").glob("*.json")}
    maps = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("mess-dashboard-")]
    assert {name for m in maps for name in m["data"]} == sources
    for config_map in maps:
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        for text in config_map["data"].values():
            assert json.loads(text)["uid"]
    platform = yaml.safe_load((ROOT / "ansible/roles/platform/defaults/main.yml").read_text(encoding="utf-8"))
    stack = next(c for c in platform["platform_charts"] if c["chart"] == "kube-prometheus-stack")
    assert stack["values"]["grafana"]["sidecar"]["dashboards"]["label"] == "grafana_dashboard"
