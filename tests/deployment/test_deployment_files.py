"""Static checks of how the platform is built and run.

Covers docker-compose.yml, platform/Dockerfile, platform/entrypoint.sh,
platform/gunicorn.conf.py, platform/healthcheck.py, platform/k8s/*.yaml and
static/vendor. Needs no Docker, cluster, database or Django settings: the files are
parsed (PyYAML) and the small scripts are run with stand-ins for gunicorn and Celery.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import runpy
import shlex
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "platform"
K8S = PLATFORM / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = PLATFORM / "Dockerfile"
ENTRYPOINT = PLATFORM / "entrypoint.sh"
GUNICORN_CONF = PLATFORM / "gunicorn.conf.py"
HEALTHCHECK = PLATFORM / "healthcheck.py"

APP_SERVICES = ("web", "worker", "beat", "migrate")  # built from platform/Dockerfile
REQUIRED_SERVICES = ("web", "worker", "beat", "migrate", "db", "redis", "mailpit")
# Settings the Django side reads from the environment (config/settings.py).
APP_ENV = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
)
QUEUES = {"default", "matching", "notifications"}
# Top-level folders that are not part of the running application.
NOT_IN_IMAGE = {"tests", "bench", "platform"}


# --- helpers ------------------------------------------------------------------------------


def _load_yaml(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _load_yaml_docs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [doc for doc in yaml.safe_load_all(fh) if doc is not None]


def _env_dict(environment) -> dict[str, str]:
    """Compose allows `environment` as a mapping or as a list of KEY=VALUE strings."""
    if environment is None:
        return {}
    if isinstance(environment, dict):
        return {str(k): "" if v is None else str(v) for k, v in environment.items()}
    result = {}
    for item in environment:
        key, _, value = str(item).partition("=")
        result[key] = value
    return result


def _strip_interpolation(value: str) -> str:
    """`${VAR:-default}` -> default, the value compose uses when no .env overrides it."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m.group(1) or "", value)


def _command_list(command) -> list[str]:
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not current):
            continue  # comments (also inside a continued instruction) and blank lines
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, args = current.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
        current = ""
    return instructions


def _exec_form(args: str) -> list[str]:
    args = args.strip()
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def _in_repo(image_path: str) -> Path:
    """Map a path inside the image (/app/...) back to the repository."""
    return ROOT / image_path.removeprefix("/app/").lstrip("/")


def _k8s_docs() -> dict[str, list[dict]]:
    return {path.name: _load_yaml_docs(path) for path in sorted(K8S.glob("*.yaml"))}


def _one(file_name: str, kind: str) -> dict:
    docs = [doc for doc in _load_yaml_docs(K8S / file_name) if doc.get("kind") == kind]
    assert len(docs) == 1, f"{file_name}: expected one {kind}, found {len(docs)}"
    return docs[0]


def _containers(workload: dict) -> list[dict]:
    return workload["spec"]["template"]["spec"]["containers"]


def _port_keys(ports: list[dict], number_key: str) -> set:
    """Names and numbers by which a probe, Service or Ingress may refer to these ports."""
    return {p["name"] for p in ports if p.get("name")} | {p[number_key] for p in ports}


@pytest.fixture(scope="module")
def compose() -> dict:
    data = _load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict]:
    return compose["services"]


# --- platform/ is not a Python package ------------------------------------------------------


def test_platform_folder_is_not_a_python_package():
    assert PLATFORM.is_dir()
    assert not (PLATFORM / "__init__.py").exists(), "platform/__init__.py would shadow the stdlib module"
    assert not (ROOT / "platform.py").exists()


def test_import_platform_is_the_standard_library():
    import platform

    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert platform.python_version() == "{}.{}.{}".format(*sys.version_info[:3])


def test_import_platform_from_the_repo_root_is_still_the_standard_library():
    # A fresh interpreter with the repository first on sys.path, as manage.py, celery
    # and gunicorn run: `platform` must still resolve to the standard library.
    code = "import platform; print(platform.__file__); print(platform.python_version())"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert Path(out[0]).resolve().parent == Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert out[1] == "{}.{}.{}".format(*sys.version_info[:3])


# --- docker-compose.yml ---------------------------------------------------------------------


def test_compose_has_the_required_services(services):
    missing = [name for name in REQUIRED_SERVICES if name not in services]
    assert not missing, f"docker-compose.yml lacks services {missing}"


def test_compose_build_contexts_and_dockerfiles_exist(services):
    for name in APP_SERVICES:
        build = services[name].get("build")
        assert build, f"{name} must be built from platform/Dockerfile"
        context = (COMPOSE_FILE.parent / build.get("context", ".")).resolve()
        assert context == ROOT, f"{name}: build context must be the repository root"
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.resolve() == DOCKERFILE.resolve(), f"{name}: builds {dockerfile}"
    for name, service in services.items():
        build = service.get("build")
        if isinstance(build, str):
            assert (COMPOSE_FILE.parent / build).is_dir(), f"{name}: build context {build} missing"
        elif isinstance(build, dict):
            context = COMPOSE_FILE.parent / build.get("context", ".")
            assert context.is_dir(), f"{name}: build context {context} missing"
            assert (context / build.get("dockerfile", "Dockerfile")).is_file()


def test_compose_local_files_exist_and_named_volumes_are_declared(compose, services):
    declared = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            if isinstance(volume, dict):
                kind, source = volume.get("type", "volume"), volume.get("source", "")
            else:
                source = str(volume).split(":", 1)[0]
                kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            if kind == "bind":
                assert (COMPOSE_FILE.parent / source).exists(), f"{name}: bind mount {source} missing"
            elif source:
                assert source in declared, f"{name}: named volume {source} not declared"
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, (str, dict)) else env_files:
            path = env_file.get("path") if isinstance(env_file, dict) else env_file
            required = env_file.get("required", True) if isinstance(env_file, dict) else True
            if required:
                assert (COMPOSE_FILE.parent / path).is_file(), f"{name}: env_file {path} missing"
    for name, config in (compose.get("configs") or {}).items():
        if isinstance(config, dict) and "file" in config:
            assert (COMPOSE_FILE.parent / config["file"]).is_file(), f"config {name} missing"


def test_compose_worker_is_scalable(services):
    worker = services["worker"]
    assert "container_name" not in worker, "a container_name prevents --scale worker=N"
    for port in worker.get("ports") or []:
        if isinstance(port, dict):
            assert not port.get("published"), f"worker publishes host port {port}"
        else:
            assert ":" not in str(port), f"worker binds a fixed host port ({port})"


def test_compose_beat_is_a_single_instance(services):
    beat = services["beat"]
    assert (beat.get("deploy") or {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_app_environment_is_wired(services, name):
    env = {k: _strip_interpolation(v) for k, v in _env_dict(services[name].get("environment")).items()}
    missing = [key for key in APP_ENV if not env.get(key)]
    assert not missing, f"{name} lacks {missing}"
    assert env["DEBUG"].lower() in {"false", "0", "no", "off"}
    assert re.match(r"postgres(ql)?://[^@]+@db:5432/", env["DATABASE_URL"]), env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379"), env["REDIS_URL"]
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    # The image's health check sends Host: localhost (platform/healthcheck.py).
    assert "localhost" in env["ALLOWED_HOSTS"].split(",")


def test_compose_app_services_wait_for_migrations(services):
    assert services["migrate"].get("restart", "no") == "no"
    for name in ("web", "worker", "beat"):
        depends = services[name].get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        assert depends.get("migrate", {}).get("condition") == "service_completed_successfully", name
        assert "redis" in depends, f"{name} must wait for redis"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_roles_are_known_to_the_entrypoint(services):
    roles = set(re.findall(r"^\s{4}([a-z]+)\)$", ENTRYPOINT.read_text(encoding="utf-8"), re.MULTILINE))
    assert {"web", "worker", "beat", "migrate"} <= roles, roles
    for name in APP_SERVICES:
        command = _command_list(services[name].get("command"))
        assert command and command[0] == name, f"{name}: command should be the role, got {command}"


def test_compose_only_web_uses_the_http_healthcheck(services):
    # The image's HEALTHCHECK probes gunicorn; the other roles run no HTTP server and
    # would be reported unhealthy forever if they inherited it.
    assert not services["web"].get("healthcheck", {}).get("disable")
    for name in ("worker", "beat", "migrate"):
        assert services[name].get("healthcheck", {}).get("disable") is True, name


def test_compose_backing_services(services):
    db, redis, mailpit = services["db"], services["redis"], services["mailpit"]
    assert str(db["image"]).startswith("postgres:16")
    assert db.get("healthcheck", {}).get("test"), "db needs a healthcheck"
    assert any(":/var/lib/postgresql/data" in str(v) for v in db.get("volumes") or []), "db needs a volume"
    assert str(redis["image"]).startswith("redis:7")
    assert redis.get("healthcheck", {}).get("test"), "redis needs a healthcheck"
    assert "mailpit" in str(mailpit["image"])
    assert any(str(p).endswith("8025") for p in mailpit.get("ports") or []), "mailpit UI on 8025"
    assert any(str(p).startswith("8000:") for p in services["web"].get("ports") or [])


# --- platform/Dockerfile ----------------------------------------------------------------------


def test_dockerfile_copy_sources_exist():
    copies = [args for keyword, args in _dockerfile_instructions() if keyword in {"COPY", "ADD"}]
    assert copies
    for args in copies:
        parts = _exec_form(args)
        if any(part.startswith("--from=") for part in parts):
            continue  # copied from another build stage, not from the context
        sources = [part for part in parts if not part.startswith("--")][:-1]
        assert sources, f"COPY without sources: {args}"
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_dockerfile_copies_every_top_level_package():
    copied = {
        source.rstrip("/").split("/")[0]
        for keyword, args in _dockerfile_instructions()
        if keyword == "COPY" and "--from=" not in args
        for source in _exec_form(args)[:-1]
    }
    packages = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in NOT_IN_IMAGE
    }
    assert packages <= copied, f"not copied into the image: {sorted(packages - copied)}"
    assert {"manage.py", "templates", "static", "locale"} <= copied


def test_dockerfile_cmd_entrypoint_and_healthcheck_reference_existing_files():
    instructions = dict(_dockerfile_instructions())  # the last of each kind wins, as in Docker
    cmd = _exec_form(instructions["CMD"])
    assert cmd[0] == "gunicorn"
    conf = cmd[cmd.index("-c") + 1]
    assert (ROOT / conf).resolve() == GUNICORN_CONF.resolve()
    module, _, attribute = cmd[-1].partition(":")
    module_file = ROOT / (module.replace(".", "/") + ".py")
    assert module_file == ROOT / "config" / "wsgi.py"
    assert module_file.is_file(), "config/wsgi.py is missing"
    assert re.search(rf"^{attribute}\s*=", module_file.read_text(encoding="utf-8"), re.MULTILINE)

    entrypoint = [_in_repo(p) for p in _exec_form(instructions["ENTRYPOINT"]) if p.startswith("/app/")]
    assert entrypoint == [ENTRYPOINT] and ENTRYPOINT.is_file()

    healthcheck = instructions["HEALTHCHECK"]
    scripts = [_in_repo(p) for p in re.findall(r"/app/[\w./-]+", healthcheck)]
    assert scripts == [HEALTHCHECK] and HEALTHCHECK.is_file()


def test_dockerfile_builds_the_runtime_image_as_described():
    instructions = _dockerfile_instructions()
    text = "\n".join(f"{k} {a}" for k, a in instructions)
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.12-slim\b", text)
    stages = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(stages) >= 2, "multi-stage build expected"
    assert "gettext" in text
    assert "pip install ." in text
    assert "manage.py compilemessages" in text
    assert "manage.py collectstatic --noinput" in text
    assert "EXPOSE 8000" in text
    last_stage = text.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER (\S+)", last_stage, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "the runtime image must not run as root"


def test_dockerfile_referenced_python_modules_exist():
    # The Celery app and the settings module named by the image and the entrypoint.
    text = DOCKERFILE.read_text(encoding="utf-8") + ENTRYPOINT.read_text(encoding="utf-8")
    assert "DJANGO_SETTINGS_MODULE=config.settings" in text
    assert (ROOT / "config" / "settings.py").is_file()
    assert "config.celery_app:app" in text
    celery_app = ROOT / "config" / "celery_app.py"
    assert celery_app.is_file()
    assert re.search(r"^app\s*=", celery_app.read_text(encoding="utf-8"), re.MULTILINE)
    assert (ROOT / "manage.py").is_file()


# --- platform/entrypoint.sh -------------------------------------------------------------------


@pytest.fixture()
def fake_bin(tmp_path) -> dict[str, str]:
    """PATH with stand-ins for gunicorn, celery and python that print their arguments."""
    for tool in ("gunicorn", "celery", "python"):
        script = tmp_path / tool
        script.write_text(f'#!/bin/sh\necho {tool} "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    return {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}


def _run_entrypoint(env: dict[str, str], *args: str) -> list[str]:
    result = subprocess.run(
        ["/bin/sh", str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout.split()


def test_entrypoint_is_valid_posix_sh():
    subprocess.run(["/bin/sh", "-n", str(ENTRYPOINT)], check=True)


def test_entrypoint_web_role_and_default_cmd(fake_bin):
    expected = ["gunicorn", "-c", "platform/gunicorn.conf.py", "config.wsgi:application"]
    assert _run_entrypoint(fake_bin, "web") == expected
    # The image's CMD goes through the entrypoint unchanged.
    assert _run_entrypoint(fake_bin, *expected) == expected


def test_entrypoint_worker_role(fake_bin):
    env = {k: v for k, v in fake_bin.items() if not k.startswith("CELERY_")}
    out = _run_entrypoint(env, "worker")
    assert out[:4] == ["celery", "-A", "config.celery_app:app", "worker"]
    assert set(out[out.index("--queues") + 1].split(",")) == QUEUES
    assert out[out.index("--prefetch-multiplier") + 1] == "1"
    assert out[out.index("--concurrency") + 1] == "2"
    env["CELERY_CONCURRENCY"] = "5"
    out = _run_entrypoint(env, "worker")
    assert out[out.index("--concurrency") + 1] == "5"


def test_entrypoint_beat_and_migrate_roles(fake_bin):
    out = _run_entrypoint(fake_bin, "beat")
    assert out[:4] == ["celery", "-A", "config.celery_app:app", "beat"]
    # /app is read-only for the app user: the schedule file must go somewhere writable.
    assert out[out.index("--schedule") + 1].startswith("/tmp/")
    assert _run_entrypoint(fake_bin, "migrate") == ["python", "manage.py", "migrate", "--noinput"]
    assert _run_entrypoint(fake_bin, "manage", "check") == ["python", "manage.py", "check"]


# --- platform/gunicorn.conf.py and platform/healthcheck.py ------------------------------------


def _gunicorn_settings(monkeypatch, **env: str) -> dict:
    for key in ("PORT", "WEB_CONCURRENCY", "WEB_CONCURRENCY_MAX", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_defaults(monkeypatch):
    conf = _gunicorn_settings(monkeypatch)
    assert conf["bind"] == "0.0.0.0:8000"
    assert 3 <= conf["workers"] <= 8  # 2 x cores + 1, capped
    assert conf["threads"] >= 1 and conf["timeout"] > 0 and conf["graceful_timeout"] > 0
    assert conf["accesslog"] == "-"
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_conf_reads_the_environment(monkeypatch):
    conf = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="7", GUNICORN_THREADS="3", FORWARDED_ALLOW_IPS="*")
    assert (conf["workers"], conf["threads"], conf["forwarded_allow_ips"]) == (7, 3, "*")
    assert conf["worker_class"] == "gthread"
    conf = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY_MAX="1")
    assert conf["workers"] == 1


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        self.send_response(self.status)
        if self.status in (301, 302):
            self.send_header("Location", "https://localhost/healthz")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def health_server(monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PORT", str(server.server_address[1]))
    monkeypatch.delenv("HEALTHCHECK_PATH", raising=False)
    monkeypatch.delenv("HEALTHCHECK_HOST", raising=False)
    _Handler.seen = []
    yield _Handler
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "exit_code"), [(200, 0), (503, 1), (301, 1)])
def test_healthcheck_script(health_server, status, exit_code):
    health_server.status = status
    main = runpy.run_path(str(HEALTHCHECK))["main"]
    assert main() == exit_code
    request = health_server.seen[0]
    assert request["path"] == "/healthz?scope=web"
    assert request["host"] == "localhost"
    assert request["x-forwarded-proto"] == "https"


def test_healthcheck_script_fails_when_nothing_listens(monkeypatch):
    monkeypatch.setenv("PORT", "9")  # discard port: nothing answers HTTP there
    monkeypatch.setenv("HEALTHCHECK_TIMEOUT", "2")
    assert runpy.run_path(str(HEALTHCHECK))["main"]() == 1


# --- platform/k8s -----------------------------------------------------------------------------

EXPECTED_KINDS = {
    "namespace.yaml": {"Namespace"},
    "configmap.yaml": {"ConfigMap"},
    "secret.example.yaml": {"Secret"},
    "web-deployment.yaml": {"Deployment"},
    "web-service.yaml": {"Service"},
    "worker-deployment.yaml": {"Deployment"},
    "beat-deployment.yaml": {"Deployment"},
    "worker-hpa.yaml": {"HorizontalPodAutoscaler"},
    "migrate-job.yaml": {"Job"},
    "ingress.yaml": {"Ingress"},
    "kustomization.yaml": {"Kustomization"},
}


def test_k8s_every_manifest_parses_with_the_expected_kinds():
    docs = _k8s_docs()
    assert set(EXPECTED_KINDS) <= set(docs), f"missing: {sorted(set(EXPECTED_KINDS) - set(docs))}"
    for name, file_docs in docs.items():
        assert file_docs, f"{name} is empty"
        for doc in file_docs:
            assert doc.get("apiVersion") and doc.get("kind"), f"{name}: apiVersion/kind missing"
            if doc["kind"] != "Kustomization":
                assert doc.get("metadata", {}).get("name"), f"{name}: metadata.name missing"
        if name in EXPECTED_KINDS:
            assert {doc["kind"] for doc in file_docs} == EXPECTED_KINDS[name], name


def test_k8s_kustomization_lists_every_manifest_and_they_exist():
    kustomization = _load_yaml(K8S / "kustomization.yaml")
    resources = kustomization.get("resources") or []
    assert len(resources) == len(set(resources)), "duplicate resources"
    for resource in resources:
        assert (K8S / resource).is_file(), f"kustomization lists {resource}, which does not exist"
    manifests = {
        path.name
        for path in K8S.glob("*.yaml")
        if path.name != "kustomization.yaml" and not path.name.endswith(".example.yaml")
    }
    assert manifests == set(resources), f"unlisted: {sorted(manifests - set(resources))}"
    # A template with placeholder secrets must never be applied over the real Secret.
    assert not [r for r in resources if r.endswith(".example.yaml")]


def test_k8s_all_app_workloads_use_the_one_image_and_config():
    kustomization = _load_yaml(K8S / "kustomization.yaml")
    image_names = {image["name"] for image in kustomization.get("images") or []}
    configmap = _one("configmap.yaml", "ConfigMap")
    secret = _one("secret.example.yaml", "Secret")
    provided = set(configmap["data"]) | set(secret.get("stringData") or {}) | set(secret.get("data") or {})
    assert set(APP_ENV) <= provided, f"not provided: {sorted(set(APP_ENV) - provided)}"
    assert "localhost" in configmap["data"]["ALLOWED_HOSTS"].split(","), "probes send Host: localhost"
    workloads = [
        ("web-deployment.yaml", "Deployment", "web"),
        ("worker-deployment.yaml", "Deployment", "worker"),
        ("beat-deployment.yaml", "Deployment", "beat"),
        ("migrate-job.yaml", "Job", "migrate"),
    ]
    for file_name, kind, role in workloads:
        workload = _one(file_name, kind)
        (container,) = _containers(workload)
        assert container["image"].split(":")[0] in image_names, f"{file_name}: image not managed by kustomize"
        assert container.get("args") == [role], f"{file_name}: role should be {role}"
        refs = {(next(iter(ref)), next(iter(ref.values()))["name"]) for ref in container.get("envFrom") or []}
        assert ("configMapRef", configmap["metadata"]["name"]) in refs, file_name
        assert ("secretRef", secret["metadata"]["name"]) in refs, file_name
        pod = workload["spec"]["template"]["spec"]
        assert pod.get("securityContext", {}).get("runAsNonRoot") is True, file_name


def test_k8s_web_probes_point_to_healthz():
    web = _one("web-deployment.yaml", "Deployment")
    (container,) = _containers(web)
    ports = _port_keys(container["ports"], "containerPort")
    assert 8000 in ports
    for probe in ("readinessProbe", "livenessProbe"):
        assert probe in container, f"web lacks a {probe}"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if probe in container:
            http_get = container[probe]["httpGet"]
            assert http_get["path"].split("?")[0] == "/healthz", f"{probe}: {http_get['path']}"
            assert http_get["port"] in ports, f"{probe}: unknown port {http_get['port']}"


def test_k8s_service_and_ingress_reach_the_web_pods():
    web = _one("web-deployment.yaml", "Deployment")
    pod_labels = web["spec"]["template"]["metadata"]["labels"]
    assert web["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    service = _one("web-service.yaml", "Service")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (container,) = _containers(web)
    container_ports = _port_keys(container["ports"], "containerPort")
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in container_ports
    service_ports = _port_keys(service["spec"]["ports"], "port")
    ingress = _one("ingress.yaml", "Ingress")
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == service["metadata"]["name"]
            assert next(iter(backend["port"].values())) in service_ports


def test_k8s_beat_is_a_single_replica_recreated():
    beat = _one("beat-deployment.yaml", "Deployment")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"


def test_k8s_hpa_targets_the_worker_deployment():
    hpa = _one("worker-hpa.yaml", "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    worker = _one("worker-deployment.yaml", "Deployment")
    beat = _one("beat-deployment.yaml", "Deployment")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", worker["metadata"]["name"])
    assert target["name"] != beat["metadata"]["name"]
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert hpa["spec"]["metrics"], "the HPA needs a metric"
    (container,) = _containers(worker)
    assert container["resources"]["requests"].get("cpu"), "CPU utilisation needs a CPU request"


def test_k8s_migrate_job_runs_once():
    job = _one("migrate-job.yaml", "Job")
    assert job["spec"]["template"]["spec"]["restartPolicy"] in {"Never", "OnFailure"}


def test_k8s_namespace_matches_kustomization():
    namespace = _one("namespace.yaml", "Namespace")
    assert _load_yaml(K8S / "kustomization.yaml")["namespace"] == namespace["metadata"]["name"]


# --- static/vendor ----------------------------------------------------------------------------

VENDORED = [
    ("htmx", "htmx.min.js", r'version:"(2\.\d+\.\d+)"'),
    ("axe-core", "axe.min.js", r"axe v(4\.\d+\.\d+)"),
]


@pytest.mark.parametrize(("folder", "file_name", "version_pattern"), VENDORED)
def test_vendored_assets_match_their_readme(folder, file_name, version_pattern):
    directory = ROOT / "static" / "vendor" / folder
    asset = directory / file_name
    assert asset.is_file() and (directory / "LICENSE").is_file()
    match = re.search(version_pattern, asset.read_text(encoding="utf-8")[:200_000])
    assert match, f"no version found in {asset}"
    readme = (ROOT / "static" / "vendor" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{folder}/{file_name}`"))
    assert f"| {match.group(1)} |" in row, f"README lists another version than {match.group(1)}"
