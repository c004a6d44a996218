"""Terraform under infra/terraform: formatted, every root and module pins its versions, every module call is
wired to real variables and outputs, environments differ only where intended, and checkov passes with a
short, justified skip list. (`terraform validate` needs provider downloads; the CI workflow runs it.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "infra" / "terraform"
ROOTS = ("bootstrap", "envs/shared", "envs/app")
ENVIRONMENTS = ("staging", "production")
REQUIRED_FILES = ("main.tf", "versions.tf", "variables.tf", "outputs.tf")
EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")

# Runs under .venv-infra (its `hcl2` is checkov's bc-python-hcl2, not in the app's venv): prints every directory's
# parsed blocks and the module/var references found in its text.
PARSE_SCRIPT = r"""
import json, re, sys
from pathlib import Path
import hcl2

def clean(value):
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value

out = {}
for directory in sys.argv[1:]:
    d = Path(directory)
    blocks = {"terraform": [], "variable": {}, "output": {}, "module": {}, "text": ""}
    for tf in sorted(d.glob("*.tf")):
        text = tf.read_text()
        blocks["text"] += text + "\n"
        parsed = clean(hcl2.loads(text))
        blocks["terraform"] += parsed.get("terraform", [])
        for kind in ("variable", "output", "module"):
            for entry in parsed.get(kind, []):
                blocks[kind].update(entry)
    blocks["tfvars"] = {f.name: clean(hcl2.loads(f.read_text())) for f in sorted(d.glob("*.tfvars"))}
    out[directory] = blocks
print(json.dumps(out))
"""

Parsed = dict[str, dict[str, Any]]


def _tf_dirs(base: Path) -> list[Path]:
    return sorted({p.parent for p in base.rglob("*.tf") if ".terraform" not in p.parts})


def _parse(python: str, dirs: list[Path]) -> Parsed:
    result = subprocess.run([python, "-c", PARSE_SCRIPT, *map(str, dirs)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"python-hcl2 could not parse the Terraform files:\n{result.stderr}"
    return json.loads(result.stdout)


def _first(value: Any) -> Any:
    """python-hcl2 wraps attribute values in one-element lists."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _unwrap_ref(value: Any) -> str:
    return str(_first(value)).removeprefix("${").removesuffix("}")


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(^|\s)(#|//).*$", "", line) for line in text.splitlines())


def wiring_problems(parsed: Parsed) -> list[str]:
    """Everything wrong with how the directories use their modules and variables, as readable lines."""
    problems: list[str] = []
    for directory, blocks in parsed.items():
        text = _strip_comments(blocks["text"])
        declared_vars = set(blocks["variable"])
        for used in sorted(set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_]*)", text)) - declared_vars):
            problems.append(f"{directory}: var.{used} is used but not declared")

        for name, call in blocks["module"].items():
            source = str(_first(call.get("source", "")))
            inputs = {k for k in call if k not in {"source", "version", "providers", "depends_on", "count", "for_each"}}
            if not source.startswith(("./", "../")):
                version = str(_first(call.get("version", "")))
                if not EXACT_VERSION.match(version):
                    problems.append(f"{directory}: module {name} ({source}) is not pinned to an exact version")
                continue
            module_dir = str((Path(directory) / source).resolve())
            if module_dir not in parsed:
                problems.append(f"{directory}: module {name} points at {source}, which has no .tf files")
                continue
            module = parsed[module_dir]
            variables = module["variable"]
            for unknown in sorted(inputs - set(variables)):
                problems.append(f"{directory}: module {name} is given {unknown}, which {source} does not declare")
            required = {v for v, spec in variables.items() if "default" not in spec}
            for missing in sorted(required - inputs):
                problems.append(f"{directory}: module {name} does not pass required variable {missing}")

        for mod, out in sorted(set(re.findall(r"\bmodule\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)", text))):
            call = blocks["module"].get(mod)
            if call is None:
                problems.append(f"{directory}: module.{mod}.{out} refers to an undeclared module")
                continue
            source = str(_first(call.get("source", "")))
            if source.startswith(("./", "../")):
                module_dir = str((Path(directory) / source).resolve())
                if module_dir in parsed and out not in parsed[module_dir]["output"]:
                    problems.append(f"{directory}: module.{mod}.{out} is not an output of {source}")

        for name, values in blocks["tfvars"].items():
            for key in sorted(set(values) - declared_vars):
                problems.append(f"{directory}: {name} sets {key}, which is not a variable")
            required = {v for v, spec in blocks["variable"].items() if "default" not in spec}
            for key in sorted(required - set(values)):
                problems.append(f"{directory}: {name} does not set required variable {key}")
    return problems


@pytest.fixture(scope="module")
def parsed(tool) -> Parsed:
    dirs = _tf_dirs(TF)
    data = _parse(tool("python"), dirs)
    return {str(Path(k).resolve()): v for k, v in data.items()}


def _blocks(parsed: Parsed, rel: str) -> dict[str, Any]:
    return parsed[str((TF / rel).resolve())]


def test_terraform_is_formatted(tool) -> None:
    result = subprocess.run(
        [tool("terraform"), "fmt", "-check", "-recursive", "-diff", str(TF)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("directory", [*ROOTS, *(f"modules/{m.name}" for m in sorted((TF / "modules").iterdir()))])
def test_every_root_and_module_has_the_standard_files(directory: str) -> None:
    missing = [f for f in REQUIRED_FILES if not (TF / directory / f).is_file()]
    assert not missing, f"{directory} lacks {missing}"


def test_roots_pin_terraform_and_providers(parsed: Parsed) -> None:
    for root in ROOTS:
        settings = _blocks(parsed, root)["terraform"]
        assert settings, f"{root} has no terraform block"
        required_version = next((_first(s["required_version"]) for s in settings if "required_version" in s), None)
        assert required_version and "<" in required_version, f"{root} must bound required_version: {required_version}"
        providers = {
            name: _first(spec)
            for s in settings
            for group in s.get("required_providers", [])
            for name, spec in group.items()
        }
        assert "aws" in providers, f"{root} does not declare the aws provider"
        for name, spec in providers.items():
            assert spec.get("source", "").startswith("hashicorp/"), f"{root}: provider {name} has no source"
            assert re.match(r"^~> \d+\.\d+$", spec.get("version", "")), (
                f"{root}: provider {name} must be pinned with ~> major.minor, got {spec.get('version')!r}"
            )


def test_modules_constrain_their_providers(parsed: Parsed) -> None:
    for module_dir in sorted((TF / "modules").iterdir()):
        settings = _blocks(parsed, f"modules/{module_dir.name}")["terraform"]
        providers = [spec for s in settings for group in s.get("required_providers", []) for spec in group.values()]
        assert providers, f"modules/{module_dir.name} declares no required_providers"
        for spec in map(_first, providers):
            assert "<" in spec.get("version", ""), f"modules/{module_dir.name}: {spec} needs an upper bound"


def test_env_roots_use_a_remote_backend(parsed: Parsed) -> None:
    for root in ROOTS[1:]:
        backends = [b for s in _blocks(parsed, root)["terraform"] for b in s.get("backend", [])]
        assert any("s3" in b for b in backends), f"{root} must keep its state in the S3 backend"
    backend_files = [TF / "envs/shared/backend.hcl", *(TF / f"envs/app/{env}.backend.hcl" for env in ENVIRONMENTS)]
    for backend in backend_files:
        text = backend.read_text()
        assert "dynamodb_table" in text and "encrypt" in text, backend
    keys = {re.search(r'key\s*=\s*"([^"]+)"', f.read_text()).group(1) for f in backend_files}  # type: ignore[union-attr]
    assert len(keys) == len(backend_files), f"every environment needs its own state key: {keys}"


def test_module_calls_match_variables_and_outputs(parsed: Parsed) -> None:
    assert wiring_problems(parsed) == []


def test_wiring_check_finds_mistakes(tool, tmp_path: Path) -> None:
    module = tmp_path / "modules" / "thing"
    root = tmp_path / "root"
    module.mkdir(parents=True)
    root.mkdir()
    (module / "variables.tf").write_text('variable "needed" {\n  type = string\n}\n')
    (module / "outputs.tf").write_text('output "id" {\n  value = var.needed\n}\n')
    (root / "main.tf").write_text(
        'module "thing" {\n  source = "../modules/thing"\n  typo = "x"\n}\n'
        'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 5.0"\n}\n'
        'output "a" {\n  value = module.thing.name\n}\n'
        'output "b" {\n  value = var.nowhere\n}\n'
    )
    data = _parse(tool("python"), [module, root])
    problems = wiring_problems({str(Path(k).resolve()): v for k, v in data.items()})
    text = "\n".join(problems)
    assert "is given typo" in text
    assert "does not pass required variable needed" in text
    assert "module.thing.name is not an output" in text
    assert "vpc (terraform-aws-modules/vpc/aws) is not pinned" in text
    assert "var.nowhere is used but not declared" in text


def test_one_root_serves_both_environments(parsed: Parsed) -> None:
    """No copied roots: envs/app with one var file and one backend file per environment, setting the same keys."""
    assert sorted(p.name for p in (TF / "envs").iterdir()) == ["app", "shared"]
    tfvars = _blocks(parsed, "envs/app")["tfvars"]
    assert set(tfvars) == {f"{env}.tfvars" for env in ENVIRONMENTS}
    assert set(tfvars["staging.tfvars"]) == set(tfvars["production.tfvars"])
    for env in ENVIRONMENTS:
        assert _first(tfvars[f"{env}.tfvars"]["environment"]) == env


def test_production_is_highly_available(parsed: Parsed) -> None:
    prod = _blocks(parsed, "envs/app")["tfvars"]["production.tfvars"]
    assert _first(prod["db_multi_az"]) is True, "production RDS must be Multi-AZ"
    assert int(_first(prod["redis_replicas"])) >= 1, "production Redis needs a replica for failover"
    assert _first(prod["single_nat_gateway"]) is False, "production needs a NAT gateway per AZ"
    assert len(_first(prod["azs"])) == 3 and int(_first(prod["node_min_size"])) >= 3
    assert int(_first(prod["db_backup_retention_days"])) >= 14


def _plan_variables(terraform: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`terraform plan` of envs/app's variables alone: their validations run with no provider to download."""
    (tmp_path / "variables.tf").write_text((TF / "envs/app/variables.tf").read_text())
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    init = subprocess.run(
        [terraform, f"-chdir={tmp_path}", "init", "-backend=false", "-input=false"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    return subprocess.run(
        [terraform, f"-chdir={tmp_path}", "plan", "-input=false", "-lock=false", "-no-color", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_environment_var_files_pass_the_variable_validations(tool, tmp_path: Path, environment: str) -> None:
    var_file = TF / "envs/app" / f"{environment}.tfvars"
    result = _plan_variables(tool("terraform"), tmp_path, f"-var-file={var_file}")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("cluster_admin_arns=[]", "nobody can reach the cluster"),
        ('cluster_admin_arns=["admin"]', "must be IAM role or user ARNs"),
        ('endpoint_public_access_cidrs=["0.0.0.0/0"]', "never open to 0.0.0.0/0"),
        ("app_host=Mess.Example", "lower-case DNS name"),
    ],
)
def test_variable_validations_refuse_an_unreachable_or_open_cluster(
    tool, tmp_path: Path, override: str, message: str
) -> None:
    var_file = TF / "envs/app" / "production.tfvars"
    result = _plan_variables(tool("terraform"), tmp_path, f"-var-file={var_file}", "-var", override)
    assert result.returncode != 0 and message in " ".join((result.stdout + result.stderr).split()), result.stdout


def test_rds_pins_a_major_version_only() -> None:
    text = (TF / "modules/rds/variables.tf").read_text()
    default = re.search(r'variable "engine_version" \{.*?default\s*=\s*"([^"]+)"', text, re.S)
    assert default and re.fullmatch(r"\d+", default.group(1)), "RDS engine_version must be a major version"
    assert 'family      = "postgres${var.engine_version}"' in (TF / "modules/rds/main.tf").read_text()


def test_backups_and_point_in_time_recovery_are_stated(parsed: Parsed) -> None:
    rds = (TF / "modules/rds/main.tf").read_text()
    for needle in (
        "backup_retention_period  = var.backup_retention_days",
        "delete_automated_backups = false",
        "copy_tags_to_snapshot    = true",
        "skip_final_snapshot       = false",
    ):
        assert needle in rds, needle
    for env in ENVIRONMENTS:
        days = int(_first(_blocks(parsed, "envs/app")["tfvars"][f"{env}.tfvars"]["db_backup_retention_days"]))
        assert 7 <= days <= 35, f"{env}: point-in-time recovery window {days} days"


def test_ecr_keeps_every_deployed_image() -> None:
    """Rules for the <environment>- tags come first: a lower rule can never expire an image they select."""
    text = (TF / "modules/ecr/main.tf").read_text()
    assert 'tagPrefixList = ["${environment}-"]' in text and "rulePriority = i + 1" in text
    assert text.index("tagPrefixList") < text.index('tagStatus   = "untagged"') < text.index('tagStatus   = "any"')
    cd = (ROOT / ".github/workflows/cd.yml").read_text()
    assert '--image-tag "${ENVIRONMENT}-${IMAGE_TAG}"' in cd, "CD must tag what it deploys <environment>-<sha>"


def test_no_unused_grants() -> None:
    """No SES grant (mail goes over SMTP) and no app-pod AWS roles; the deployer cannot read the app secret."""
    iam = (TF / "modules/iam/main.tf").read_text()
    assert "ses:" not in iam and "ses_identity_arn" not in iam
    deployer = iam[iam.index('data "aws_iam_policy_document" "deployer"') :]
    assert "secretsmanager" not in deployer and "read_app_secret" not in deployer


def test_state_bucket_is_locked_down() -> None:
    text = (TF / "bootstrap" / "main.tf").read_text()
    for needle in (
        'status = "Enabled"',  # versioning
        'sse_algorithm     = "aws:kms"',
        "block_public_acls       = true",
        "restrict_public_buckets = true",
        'variable = "aws:SecureTransport"',
        "point_in_time_recovery",
        "kms_key_arn = aws_kms_key.state.arn",
    ):
        assert needle in text, f"bootstrap/main.tf lacks {needle!r}"


def _skips() -> dict[str, str]:
    return yaml.safe_load((TF / "checkov-skips.yaml").read_text())


def test_checkov_skips_are_few_and_justified() -> None:
    skips = _skips()
    assert 0 < len(skips) <= 10
    for check, reason in skips.items():
        assert re.match(r"^CKV2?_[A-Z]+_\d+$", check), check
        assert isinstance(reason, str) and len(reason.split()) >= 8, f"{check} needs a real reason"
    for tf in TF.rglob("*.tf"):
        for line in tf.read_text().splitlines():
            if "checkov:skip=" in line:
                assert re.search(r"checkov:skip=CKV2?_[A-Z]+_\d+:\S.{15,}", line), f"{tf}: inline skip without reason"


def test_checkov_passes(tool) -> None:
    result = subprocess.run(
        [
            tool("checkov"),
            "--directory",
            str(TF),
            "--framework",
            "terraform",
            "--skip-download",
            "--compact",
            "--quiet",
            "--skip-check",
            ",".join(_skips()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"checkov findings:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
    assert "Passed checks:" in result.stdout
