"""Monitoring configuration: Prometheus config and rules (promtool), rule unit tests, Grafana provisioning.

Grafana has no package here, so its dashboards are checked as data (unique ids and uids, datasource references)
and every panel query is parsed by promtool as a recording rule.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_loopback import render_loopback_config

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "infra" / "monitoring"
PROMETHEUS_DIR = MONITORING / "prometheus"
PROMETHEUS_CONFIG = PROMETHEUS_DIR / "prometheus.yml"
RULES_DIR = PROMETHEUS_DIR / "rules"
RULE_FILES = sorted(RULES_DIR.glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))
BLACKBOX_CONFIG = MONITORING / "blackbox" / "blackbox.yml"
GRAFANA = MONITORING / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
LOGS_TRACES_DATASOURCES = GRAFANA / "provisioning" / "datasources" / "logs-traces.yml"
DASHBOARD_PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "mess.yml"
DOCS = ROOT / "docs" / "monitoring.md"

# The application contract (the lead's notes): the job names and every mess_* metric the code exports.
JOB_NAMES = {"mess-web", "mess-worker", "mess-beat", "mess-analytics", "redis", "postgres"}
COUNTERS = {
    "mess_http_requests_total",
    "mess_bookings_total",
    "mess_cutoff_refusals_total",
    "mess_checkins_total",
    "mess_failed_logins_total",
    "mess_task_runs_total",
    "mess_billing_runs_total",
    "mess_billing_bills_total",
    "mess_billing_amount_minor_total",
}
GAUGES = {
    "mess_http_requests_in_flight",
    "mess_db_pool_checked_out",
    "mess_db_pool_size",
    "mess_queue_depth",
    "mess_billing_last_success_timestamp_seconds",
    "mess_billing_last_month_billed",
    "mess_beat_heartbeat_timestamp_seconds",
    "mess_headcount_unfrozen_meals",
    "mess_serving_window_open",
}
HISTOGRAMS = {
    "mess_http_request_duration_seconds",
    "mess_task_duration_seconds",
    "mess_billing_run_duration_seconds",
}
CONTRACT_METRICS = COUNTERS | GAUGES | {f"{h}{suffix}" for h in HISTOGRAMS for suffix in ("_bucket", "_sum", "_count")}
SEVERITIES = {"critical", "warning"}

# Grafana's built-in variables, replaced by a duration so the query parses as plain PromQL.
GRAFANA_DURATIONS = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "1d",
    "${__rate_interval}": "5m",
    "${__interval}": "1m",
    "${__range}": "1d",
}


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"{' '.join(result.args)}\n{result.stdout}\n{result.stderr}"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def alert_rules() -> list[dict[str, Any]]:
    return [
        rule for path in RULE_FILES for group in load_yaml(path)["groups"] for rule in group["rules"] if "alert" in rule
    ]


def recording_rule_names() -> set[str]:
    return {
        rule["record"]
        for path in RULE_FILES
        for group in load_yaml(path)["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


def metric_names(expr: str) -> set[str]:
    """Metric-like identifiers of a PromQL expression (quoted strings and label matchers removed)."""
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    without_matchers = re.sub(r"\{[^}]*\}", "", without_strings)
    without_grouping = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", without_matchers)
    return {
        token
        for token in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_grouping)
        if token.startswith("mess_") or ":" in token
    }


def walk(node: Any):
    """Every dict inside a JSON document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def dashboard_panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # panels inside a collapsed row
    return panels


def to_promql(query: str) -> str:
    for variable, duration in GRAFANA_DURATIONS.items():
        query = query.replace(variable, duration)
    # Dashboard variables ($mess, ${route}) sit inside =~"..." matchers: any value matches.
    return re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", ".*", query)


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


# ------------------------------------------------------------------------------------------------ Prometheus


def test_rule_and_test_files_exist() -> None:
    assert (RULES_DIR / "mess.rules.yml") in RULE_FILES
    assert RULE_TESTS, "no promtool unit tests in infra/monitoring/prometheus/tests"


def test_promtool_check_config(tool) -> None:
    assert_ok(run([tool("promtool"), "check", "config", str(PROMETHEUS_CONFIG)]))


def test_promtool_check_config_of_loopback_variant(tool, tmp_path: Path) -> None:
    config = tmp_path / "prometheus.yml"
    config.write_text(
        render_loopback_config(
            web_port=18000,
            worker_port=19808,
            beat_port=19809,
            analytics_port=18501,
            blackbox_port=19115,
            redis_exporter_port=19121,
            postgres_exporter_port=19187,
        )
    )
    assert_ok(run([tool("promtool"), "check", "config", str(config)]))
    rendered = yaml.safe_load(config.read_text())
    targets = {job["job_name"]: job["static_configs"][0]["targets"] for job in rendered["scrape_configs"]}
    assert targets["mess-web"] == ["127.0.0.1:18000"]
    assert targets["mess-analytics"] == ["http://127.0.0.1:18501/analytics/_stcore/health"]
    assert all(Path(pattern).is_absolute() for pattern in rendered["rule_files"])


def test_loopback_variant_leaves_out_jobs_without_a_port() -> None:
    rendered = yaml.safe_load(render_loopback_config(worker_port=None, beat_port=None))
    assert [job["job_name"] for job in rendered["scrape_configs"]] == ["mess-web"]


def test_scrape_jobs_follow_the_contract() -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) >= JOB_NAMES
    assert jobs["mess-web"].get("metrics_path", "/metrics") == "/metrics"
    assert jobs["mess-web"]["static_configs"][0]["targets"] == ["web:8000"]
    assert jobs["mess-worker"]["static_configs"][0]["targets"] == ["worker:9808"]
    assert jobs["mess-beat"]["static_configs"][0]["targets"] == ["beat:9809"]
    analytics = jobs["mess-analytics"]
    assert analytics["metrics_path"] == "/probe"
    assert analytics["params"]["module"] == ["http_2xx"]
    assert analytics["static_configs"][0]["targets"][0].endswith("/analytics/_stcore/health")
    # The rule glob, resolved like Prometheus does (relative to the config file), finds the canonical rules.
    matched = {p for pattern in config["rule_files"] for p in PROMETHEUS_DIR.glob(pattern)}
    assert matched == set(RULE_FILES)


def test_blackbox_module_of_the_analytics_probe_exists(tool) -> None:
    modules = load_yaml(BLACKBOX_CONFIG)["modules"]
    assert modules["http_2xx"]["prober"] == "http"
    assert_ok(run([tool("prometheus-blackbox-exporter"), f"--config.file={BLACKBOX_CONFIG}", "--config.check"]))


def test_promtool_check_rules(tool) -> None:
    assert_ok(run([tool("promtool"), "check", "rules", *map(str, RULE_FILES)]))


@pytest.mark.slow
@pytest.mark.parametrize("rule_test", RULE_TESTS, ids=lambda path: path.name)  # one item each: xdist spreads them
def test_promtool_rule_unit_tests(tool, rule_test: Path) -> None:
    assert_ok(run([tool("promtool"), "test", "rules", str(rule_test)], cwd=PROMETHEUS_DIR / "tests"))


def test_every_alert_is_documented_with_a_runbook() -> None:
    rules = alert_rules()
    assert rules
    anchors = {slug(line.lstrip("#")) for line in DOCS.read_text().splitlines() if line.startswith("#")}
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names must be unique"
    for rule in rules:
        name = rule["alert"]
        assert rule.get("labels", {}).get("severity") in SEVERITIES, f"{name}: labels.severity"
        annotations = rule.get("annotations", {})
        for key in ("summary", "description", "runbook", "runbook_url"):
            assert str(annotations.get(key, "")).strip(), f"{name}: annotation {key} is missing"
        assert re.search(r"\b1\..+\b2\.", annotations["runbook"], re.S), f"{name}: runbook needs numbered steps"
        url = annotations["runbook_url"]
        assert url.startswith("docs/monitoring.md#"), f"{name}: runbook_url {url}"
        assert url.split("#", 1)[1] in anchors, f"{name}: docs/monitoring.md has no section for {url}"


def test_every_alert_has_a_firing_and_a_quiet_unit_test() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS:
        spec = load_yaml(path)
        referenced = {(path.parent / rule_file).resolve() for rule_file in spec["rule_files"]}
        assert referenced == {p.resolve() for p in RULE_FILES}, f"{path.name} must load every rule file"
        for case in spec["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alert_rules()}
    assert not names - firing, f"alerts without a firing test: {sorted(names - firing)}"
    assert not names - quiet, f"alerts without a quiet test: {sorted(names - quiet)}"
    assert not (firing | quiet) - names, f"tests of unknown alerts: {sorted((firing | quiet) - names)}"


def test_rules_use_only_contract_metrics_and_scraped_jobs() -> None:
    recorded = recording_rule_names()
    jobs = {job["job_name"] for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]}
    for path in RULE_FILES:
        for group in load_yaml(path)["groups"]:
            for rule in group["rules"]:
                expr = rule["expr"]
                unknown = metric_names(expr) - CONTRACT_METRICS - recorded
                assert not unknown, f"{rule.get('alert') or rule.get('record')}: unknown metrics {unknown}"
                for job in re.findall(r'job="([^"]+)"', expr):
                    assert job in jobs, f"{rule.get('alert') or rule.get('record')}: job {job} is not scraped"


# ------------------------------------------------------------------------------------------------ Grafana


def provisioned_datasource_uids() -> set[str]:
    return {
        source["uid"] for path in (DATASOURCES, LOGS_TRACES_DATASOURCES) for source in load_yaml(path)["datasources"]
    }


def load_dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in DASHBOARDS}


def test_grafana_provisioning_files() -> None:
    sources = load_yaml(DATASOURCES)["datasources"]
    assert [source["uid"] for source in sources] == ["prometheus"]
    assert sources[0]["type"] == "prometheus"
    providers = load_yaml(DASHBOARD_PROVIDERS)["providers"]
    assert [provider["options"]["path"] for provider in providers] == ["/var/lib/grafana/dashboards"]


def test_logs_and_traces_datasources_link_to_each_other() -> None:
    """Loki and Tempo (issue 20): a log line's trace_id opens its trace, a span opens its trace's log lines, and a
    Prometheus exemplar's trace_id opens the trace."""
    sources = {source["uid"]: source for source in load_yaml(LOGS_TRACES_DATASOURCES)["datasources"]}
    assert {uid: source["type"] for uid, source in sources.items()} == {"loki": "loki", "tempo": "tempo"}
    [derived] = sources["loki"]["jsonData"]["derivedFields"]
    assert derived["datasourceUid"] == "tempo"
    line = '{"time": "2026-11-30T04:00:00.000Z", "trace_id": "' + "ab" * 16 + '", "span_id": "' + "cd" * 8 + '"}'
    match = re.search(derived["matcherRegex"], line)  # the app's JSON line (mess/kit/logs.JsonFormatter)
    assert match and match.group(1) == "ab" * 16
    assert sources["tempo"]["jsonData"]["tracesToLogsV2"]["datasourceUid"] == "loki"
    assert "$${__span.traceId}" in sources["tempo"]["jsonData"]["tracesToLogsV2"]["query"]
    [prometheus] = load_yaml(DATASOURCES)["datasources"]
    assert prometheus["jsonData"]["exemplarTraceIdDestinations"] == [{"name": "trace_id", "datasourceUid": "tempo"}]


def test_service_dashboard_shows_errors_by_route_with_their_log_lines() -> None:
    panels = dashboard_panels(load_dashboards()["mess-service.json"])
    by_route = [
        p for p in panels for t in p.get("targets", []) if 'status=~"5.."' in t["expr"] and "by (route)" in t["expr"]
    ]
    assert by_route, "a panel of server errors by route"
    logs = [p for p in panels if p.get("datasource", {}).get("uid") == "loki"]
    assert logs and all("| json" in t["expr"] for p in logs for t in p["targets"])


def test_dashboards_have_unique_uids_titles_and_panel_ids() -> None:
    dashboards = load_dashboards()
    assert {"mess-service.json", "mess-workers.json", "mess-operations.json", "mess-alerts.json"} <= set(dashboards)
    uids = [board["uid"] for board in dashboards.values()]
    titles = [board["title"] for board in dashboards.values()]
    assert len(uids) == len(set(uids)), f"duplicate dashboard uids: {uids}"
    assert len(titles) == len(set(titles)), f"duplicate dashboard titles: {titles}"
    for name, board in dashboards.items():
        assert 0 < len(board["uid"]) <= 40, f"{name}: Grafana uids are at most 40 characters"
        ids = [panel["id"] for panel in dashboard_panels(board)]
        assert len(ids) == len(set(ids)), f"{name}: duplicate panel ids"
        for panel in dashboard_panels(board):
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, f"{name}: panel {panel['id']} is wider than the grid"


def test_every_datasource_reference_is_provisioned() -> None:
    uids = provisioned_datasource_uids()
    for name, board in load_dashboards().items():
        for node in walk(board):
            source = node.get("datasource")
            if isinstance(source, dict) and source.get("type") != "grafana":  # built-in annotations
                assert source.get("uid") in uids, f"{name}: datasource {source} is not provisioned"
            elif source is not None and not isinstance(source, dict):
                pytest.fail(f"{name}: datasource {source!r} referenced by name; use {{'uid': ...}}")
        for panel in dashboard_panels(board):
            if panel.get("targets"):
                assert panel.get("datasource", {}).get("uid") in uids, f"{name}: panel {panel['id']}"
                for target in panel["targets"]:
                    assert target["expr"].strip(), f"{name}: panel {panel['id']} has an empty query"


def test_the_alerts_dashboard_lists_alerts() -> None:
    board = load_dashboards()["mess-alerts.json"]
    panels = dashboard_panels(board)
    assert any(panel["type"] == "alertlist" for panel in panels)
    assert any("ALERTS" in target["expr"] for panel in panels for target in panel.get("targets", []))


def dashboard_queries() -> list[tuple[str, str]]:
    """(where, PromQL) for every panel target and every query variable of every dashboard (LogQL panels aside)."""
    queries = []
    for name, board in load_dashboards().items():
        for panel in dashboard_panels(board):
            if panel.get("datasource", {}).get("type") == "loki":
                continue
            for target in panel.get("targets", []):
                queries.append((f"{name} panel {panel['id']} {target['refId']}", target["expr"]))
        for variable in board.get("templating", {}).get("list", []):
            if variable.get("type") == "query":
                definition = variable["definition"]
                match = re.fullmatch(r"label_values\((.+),\s*\w+\)", definition)
                assert match, f"{name}: variable {variable['name']} query {definition}"
                queries.append((f"{name} variable {variable['name']}", match.group(1)))
    return queries


def test_dashboards_use_only_contract_metrics_and_existing_recordings() -> None:
    recorded = recording_rule_names()
    for where, query in dashboard_queries():
        unknown = metric_names(to_promql(query)) - CONTRACT_METRICS - recorded
        assert not unknown, f"{where}: unknown metrics {unknown}"


def test_every_dashboard_query_parses(tool, tmp_path: Path) -> None:
    queries = dashboard_queries()
    assert queries
    rules = [
        {"record": f"dashboard_query_{index}", "expr": to_promql(query)} for index, (_, query) in enumerate(queries)
    ]
    rules_file = tmp_path / "dashboard-queries.rules.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = run([tool("promtool"), "check", "rules", str(rules_file)])
    if result.returncode != 0:
        where = "\n".join(f"dashboard_query_{index}: {place}" for index, (place, _) in enumerate(queries))
        pytest.fail(f"a dashboard query does not parse:\n{result.stdout}\n{result.stderr}\n{where}")


def test_promql_parse_check_rejects_a_broken_query(tool, tmp_path: Path) -> None:
    """The parse check above is not vacuous: promtool refuses a malformed expression."""
    rules_file = tmp_path / "broken.rules.yml"
    rules_file.write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {
                        "name": "broken",
                        "rules": [
                            {
                                "record": "broken",
                                "expr": to_promql('sum by (slot) (rate(mess_bookings_total{mess=~"$mess"}[$__range])'),
                            }
                        ],
                    }
                ]
            }
        )
    )
    assert run([tool("promtool"), "check", "rules", str(rules_file)]).returncode != 0


# ------------------------------------------------------------------------------------------------ Alertmanager and SLOs

ALERTMANAGER = ROOT / "infra" / "monitoring" / "alertmanager" / "alertmanager.yml"


def test_amtool_check_config(tool) -> None:
    assert_ok(run([tool("amtool"), "check-config", str(ALERTMANAGER)]))


def test_every_alert_routes_to_a_receiver_by_severity(tool) -> None:
    """Walk each alert's labels through the routing tree: critical pages on-call, warning opens a ticket."""
    expected = {"critical": "mess-oncall", "warning": "mess-tickets"}
    for rule in alert_rules():
        labels = [f"{k}={v}" for k, v in {"alertname": rule["alert"], **rule["labels"]}.items()]
        result = run([tool("amtool"), "config", "routes", "test", f"--config.file={ALERTMANAGER}", *labels])
        assert_ok(result)
        assert result.stdout.strip() == expected[rule["labels"]["severity"]], (rule["alert"], result.stdout)
    watchdog = run([tool("amtool"), "config", "routes", "test", f"--config.file={ALERTMANAGER}", "alertname=Watchdog"])
    assert watchdog.stdout.strip() == "null"


def test_receivers_read_their_credentials_from_files() -> None:
    config = load_yaml(ALERTMANAGER)
    text = ALERTMANAGER.read_text()
    assert "hooks.slack.com" not in text and "smtp_auth_password:" not in text, "no credentials in the file"
    assert config["global"]["slack_api_url_file"].startswith("/etc/alertmanager/secrets/alertmanager-receivers/")
    assert config["global"]["smtp_auth_password_file"].startswith("/etc/alertmanager/secrets/alertmanager-receivers/")
    receivers = {r["name"]: r for r in config["receivers"]}
    assert receivers["mess-oncall"]["slack_configs"] and receivers["mess-oncall"]["email_configs"]
    for receiver in ("mess-oncall", "mess-tickets"):
        text = receivers[receiver]["slack_configs"][0]["text"]
        assert "{{ .Labels.runbook_base }}{{ .Annotations.runbook_url }}" in text, "a clickable runbook link"
    platform = load_yaml(ROOT / "ansible/roles/platform/defaults/main.yml")
    stack = next(c for c in platform["platform_charts"] if c["chart"] == "kube-prometheus-stack")
    assert "runbook_base" in stack["values"]["prometheus"]["prometheusSpec"]["externalLabels"]


def test_slo_alerts_burn_in_two_windows_above_a_traffic_floor() -> None:
    burns = [rule for rule in alert_rules() if "BudgetBurn" in rule["alert"]]
    assert {rule["alert"] for rule in burns} == {
        f"Mess{slo}BudgetBurn{speed}" for slo in ("Availability", "BookingLatency") for speed in ("Fast", "Slow")
    }
    for rule in burns:
        expr = rule["expr"]
        windows = set(re.findall(r":ratio_rate(\w+) >", expr))
        expected = {"1h", "5m", "6h", "30m"} if rule["alert"].endswith("Fast") else {"1d", "2h"}
        assert windows == expected, (rule["alert"], windows)
        assert re.search(r":increase\w+ >= \d+", expr), f"{rule['alert']} has no traffic floor"
        assert rule["labels"]["slo"] in {"availability", "booking-latency"}
