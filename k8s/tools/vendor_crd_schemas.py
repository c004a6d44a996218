"""Vendor the JSON schemas of the custom resources the manifests use, from the CRDs of the pinned chart versions
(infra/versions.yml), so tests/infra/test_k8s.py validates them offline:

    python k8s/tools/vendor_crd_schemas.py SOURCE.yaml... > /dev/null

Each SOURCE is a CRD file (or a bundle) taken from the release named in k8s/schemas/SOURCES.yml; one file per
kind and served version is written: k8s/schemas/<group>/<kind>_<version>.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
KINDS = {
    "ServiceMonitor",
    "Probe",
    "PrometheusRule",
    "ExternalSecret",
    "SecretStore",
    "ClusterIssuer",
    "Certificate",
    "Rollout",
    "AnalysisTemplate",
    "GitRepository",
    "Kustomization",
}


def strict(schema: dict) -> dict:
    """Unknown fields are errors (as with kubectl --validate=strict), except where the CRD preserves them."""
    if not isinstance(schema, dict):
        return schema
    out = {
        k: strict(v) if isinstance(v, dict) else [strict(i) for i in v] if isinstance(v, list) else v
        for k, v in schema.items()
        if k != "properties"
    }
    if "properties" in schema:
        out["properties"] = {k: strict(v) for k, v in schema["properties"].items()}
        if not schema.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in schema:
            out["additionalProperties"] = False
    return out


def main(paths: list[str]) -> int:
    for path in paths:
        for crd in yaml.safe_load_all(Path(path).read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            kind, group = crd["spec"]["names"]["kind"], crd["spec"]["group"]
            if kind not in KINDS:
                continue
            for version in crd["spec"]["versions"]:
                if not version.get("served"):
                    continue
                schema = strict(version["schema"]["openAPIV3Schema"])
                schema["properties"]["metadata"] = {"type": "object"}
                target = SCHEMAS / group / f"{kind}_{version['name']}.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
                print(target.relative_to(SCHEMAS.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
