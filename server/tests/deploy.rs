//! The deployment files under `deploy/`, checked offline: no cluster and no Docker engine runs
//! here. The Kubernetes base must render with kustomize, pass the Kubernetes API schemas, and
//! keep what a rollout relies on (probes, the drain before SIGTERM, autoscaling, WebSocket
//! timeouts); the Compose file must run the whole stack; the dashboard must chart every metric.
//! Both keep what hardening relies on: Redis and MongoDB refuse clients without credentials,
//! the bus's secret is set, only the actual proxy's X-Forwarded-For is believed (and nginx
//! writes it itself), and in Kubernetes NetworkPolicies allow only the paths the stack uses.
//!
//! `kubectl` and `kubernetes-validate` are required (`scripts/setup.sh --test` installs the
//! latter): a missing tool is a loud failure, never a skipped test.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::{Map, Value};

/// The Kubernetes release whose API schemas the manifests are checked against.
const KUBERNETES_VERSION: &str = "1.32.0";

/// The seconds ingress-nginx and nginx wait between two reads or writes on a WebSocket.
const WEBSOCKET_TIMEOUT: &str = "3600";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where `scripts/setup.sh` puts the Python tools: a virtualenv with kubernetes-validate (and
/// PyYAML, which it depends on). Missing, the ones on PATH are used.
fn python_tools() -> Option<PathBuf> {
    let tools = std::env::var_os("PIANORHYTHM_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/pianorhythm/tools"))
        })?;
    let bin = tools.join("kubernetes-validate/bin");
    bin.is_dir().then_some(bin)
}

/// Runs `command` with `input` on its stdin and returns its stdout, failing the test with
/// everything the command said when it does not succeed.
fn run(mut command: Command, input: &[u8]) -> Vec<u8> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot run {shown}: {error}; run `bash scripts/setup.sh --test`")
        });
    // Fed from another thread: a child writing a full pipe before reading all its input
    // would otherwise wait for us forever.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    let fed = feeder.join().unwrap();
    assert!(
        output.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    fed.unwrap_or_else(|error| panic!("cannot write to {shown}: {error}"));
    output.stdout
}

/// The Kubernetes base as `kubectl apply -k deploy/k8s` would send it.
fn render_kubernetes_base() -> Vec<u8> {
    let mut kubectl = Command::new("kubectl");
    kubectl.arg("kustomize").arg(repo().join("deploy/k8s"));
    run(kubectl, b"")
}

/// kubernetes-validate: setup's, else one on PATH, else the module in the PATH's python3.
fn kubernetes_validate() -> Command {
    if let Some(bin) = python_tools() {
        return Command::new(bin.join("kubernetes-validate"));
    }
    let on_path = Command::new("kubernetes-validate")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if on_path {
        return Command::new("kubernetes-validate");
    }
    let mut python = Command::new("python3");
    python.args(["-m", "kubernetes_validate"]);
    python
}

/// Every YAML document in `yaml`, as JSON (read by PyYAML, which kubernetes-validate brings).
fn yaml_documents(yaml: &[u8]) -> Vec<Value> {
    let python = python_tools().map_or_else(|| "python3".into(), |bin| bin.join("python"));
    let mut command = Command::new(python);
    command.args([
        "-c",
        "import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)",
    ]);
    serde_json::from_slice(&run(command, yaml)).unwrap()
}

fn find<'a>(resources: &'a [Value], kind: &str, name: &str) -> &'a Value {
    resources
        .iter()
        .find(|resource| resource["kind"] == kind && resource["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("deploy/k8s renders no {kind} named {name}"))
}

fn text(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

#[test]
fn kubernetes_base_passes_the_api_schemas() {
    let rendered = render_kubernetes_base();
    let mut validate = kubernetes_validate();
    // Strict: an unknown or misspelt field is an error, not something the cluster ignores.
    validate.args(["--strict", "--kubernetes-version", KUBERNETES_VERSION, "-"]);
    run(validate, &rendered);
}

#[test]
fn kubernetes_server_drains_before_it_stops() {
    let resources = yaml_documents(&render_kubernetes_base());
    let deployment = find(&resources, "Deployment", "pianorhythm");
    let pod = &deployment["spec"]["template"]["spec"];
    let server = &pod["containers"][0];

    assert_eq!(server["readinessProbe"]["httpGet"]["path"], "/ready");
    assert_eq!(server["livenessProbe"]["httpGet"]["path"], "/health");
    assert!(
        server["lifecycle"]["preStop"].is_object(),
        "without a preStop pause, SIGTERM arrives while the Service still routes players here"
    );
    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap_or(30);
    assert!(
        grace >= 30,
        "{grace} s is too short for the pause and the drain"
    );

    let port = |name: &str| {
        let ports = server["ports"].as_array().unwrap();
        let port = ports.iter().find(|port| port["name"] == name);
        port.map(|port| port["containerPort"].clone())
    };
    assert_eq!(port("http"), Some(3000.into()));
    assert_eq!(port("metrics"), Some(9100.into()));
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["runAsUser"], 10001);
}

#[test]
fn kubernetes_base_scales_and_keeps_websockets_open() {
    let resources = yaml_documents(&render_kubernetes_base());

    let autoscaler = find(&resources, "HorizontalPodAutoscaler", "pianorhythm");
    assert_eq!(autoscaler["apiVersion"], "autoscaling/v2");
    assert_eq!(autoscaler["spec"]["scaleTargetRef"]["name"], "pianorhythm");
    let budget = find(&resources, "PodDisruptionBudget", "pianorhythm");
    assert_eq!(budget["apiVersion"], "policy/v1");
    assert_eq!(budget["spec"]["minAvailable"], 1);

    let annotations = &find(&resources, "Ingress", "pianorhythm")["metadata"]["annotations"];
    for timeout in ["proxy-read-timeout", "proxy-send-timeout"] {
        assert_eq!(
            annotations[format!("nginx.ingress.kubernetes.io/{timeout}")],
            WEBSOCKET_TIMEOUT,
            "ingress-nginx would close quiet WebSockets after its default 60 s"
        );
    }
}

/// A selector that matches no pod passes every schema, and routes to nothing.
#[test]
fn kubernetes_selectors_find_their_pods() {
    let resources = yaml_documents(&render_kubernetes_base());
    let pod_labels: Vec<&Map<String, Value>> = resources
        .iter()
        .filter_map(|resource| resource["spec"]["template"]["metadata"]["labels"].as_object())
        .collect();
    for resource in &resources {
        let selector = match resource["kind"].as_str().unwrap() {
            "Service" => &resource["spec"]["selector"],
            "Deployment" | "StatefulSet" | "PodDisruptionBudget" => {
                &resource["spec"]["selector"]["matchLabels"]
            }
            _ => continue,
        };
        let wanted = selector.as_object().unwrap();
        let selects_a_pod = pod_labels.iter().any(|labels| {
            wanted
                .iter()
                .all(|(key, value)| labels.get(key) == Some(value))
        });
        let name = &resource["metadata"]["name"];
        assert!(selects_a_pod, "{name} selects no pod: {selector}");
    }
}

#[test]
fn compose_file_runs_the_whole_stack() {
    let documents = yaml_documents(text("deploy/compose.yaml").as_bytes());
    let compose = &documents[0];
    let services = compose["services"].as_object().unwrap();
    for name in ["redis", "mongo", "proxy"] {
        assert!(
            services.contains_key(name),
            "deploy/compose.yaml has no {name}"
        );
    }
    let mongo = compose["services"]["mongo"]["command"].to_string();
    assert!(
        mongo.contains(r#""--replSet","rs0""#),
        "MongoDB must run the replica set the servers' MONGODB_URI names: {mongo}"
    );

    let apps: Vec<(&String, &Value)> = services
        .iter()
        .filter(|(_, service)| service["build"]["context"] == "..")
        .collect();
    assert_eq!(
        apps.len(),
        2,
        "two instances of the image built from the Dockerfile"
    );
    let nginx = text("deploy/nginx.conf");
    for (name, app) in apps {
        let environment = &app["environment"];
        let redis_url = environment["REDIS_URL"].as_str().unwrap();
        assert!(
            redis_url.starts_with("redis://pianorhythm:${REDIS_PASSWORD")
                && redis_url.ends_with("@redis:6379"),
            "{name} logs in to Redis as its user: {redis_url}"
        );
        let mongodb_uri = environment["MONGODB_URI"].as_str().unwrap();
        assert!(
            mongodb_uri.starts_with("mongodb://pianorhythm:${MONGO_APP_PASSWORD")
                && mongodb_uri
                    .ends_with("@mongo:27017/pianorhythm?replicaSet=rs0&authSource=admin"),
            "{name} logs in to MongoDB as its user: {mongodb_uri}"
        );
        assert!(
            environment["BUS_SECRET"]
                .as_str()
                .is_some_and(|secret| secret.starts_with("${BUS_SECRET:?")),
            "{name} must be given BUS_SECRET"
        );
        assert_eq!(environment["METRICS_ADDR"], "0.0.0.0:9100", "{name}");
        assert!(
            app["ports"].is_null(),
            "{name} publishes ports (metrics must stay inside)"
        );
        assert!(
            app["healthcheck"]["test"].to_string().contains("/health"),
            "{name}"
        );
        assert!(
            app["stop_grace_period"].is_string(),
            "{name} has no time to drain"
        );
        for dependency in ["redis", "mongo"] {
            assert_eq!(
                app["depends_on"][dependency]["condition"], "service_healthy",
                "{name} on {dependency}"
            );
        }
        assert!(
            nginx.contains(&format!("server {name}:3000")),
            "deploy/nginx.conf does not balance to {name}"
        );
    }
    for directive in [
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        &format!("proxy_read_timeout {WEBSOCKET_TIMEOUT}s;"),
    ] {
        assert!(
            nginx.contains(directive),
            "deploy/nginx.conf lacks `{directive}`"
        );
    }
}

#[test]
fn grafana_dashboard_charts_every_metric() {
    let dashboard: Value = serde_json::from_str(&text("deploy/grafana/pianorhythm.json")).unwrap();
    let queries: Vec<&str> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|panel| panel["targets"].as_array())
        .flatten()
        .map(|target| target["expr"].as_str().unwrap())
        .collect();
    let charted = |metric: &str| queries.iter().any(|query| query.contains(metric));
    for gauge in [
        "pianorhythm_connections_open",
        "pianorhythm_players",
        "pianorhythm_rooms",
        "pianorhythm_journal_queue_depth",
    ] {
        assert!(charted(&format!("{gauge}{{")), "no panel shows {gauge}");
    }
    for counter in [
        "pianorhythm_notes_relayed_total",
        "pianorhythm_notes_dropped_total",
        "pianorhythm_outbox_overflows_total",
        "pianorhythm_http_requests_total",
    ] {
        assert!(
            charted(&format!("rate({counter}{{")),
            "no panel shows the rate of {counter}"
        );
    }
    for histogram in [
        "pianorhythm_store_operation_seconds",
        "pianorhythm_bus_lag_seconds",
        "pianorhythm_http_request_duration_seconds",
    ] {
        assert!(
            charted(&format!("{histogram}_bucket{{")),
            "no panel shows {histogram}"
        );
    }
}

/// Each network in a `TRUSTED_PROXIES` value: none may be as wide as a /16, where other
/// hosts than the proxy could speak for any player.
fn assert_narrow_proxies(value: &str, whence: &str) {
    assert!(
        !value.trim().is_empty(),
        "{whence}: TRUSTED_PROXIES is empty"
    );
    for entry in value.split(',').map(str::trim) {
        let prefix = entry.split_once('/').map_or(32, |(_, bits)| {
            bits.parse::<u8>()
                .unwrap_or_else(|_| panic!("{whence}: {entry}"))
        });
        assert!(
            prefix >= 24,
            "{whence}: TRUSTED_PROXIES names {entry}, wider than the proxies themselves"
        );
    }
}

/// A Redis command line that turns the default (password-less) user off and gives the
/// servers' user a password and a key pattern.
fn assert_redis_requires_auth(arguments: &[&str], whence: &str) {
    let joined = arguments.join(" ");
    assert!(
        joined.contains("--user default off"),
        "{whence}: Redis's default user stays on: {joined}"
    );
    assert!(
        joined.contains("--user pianorhythm on >") && joined.contains("~pianorhythm:*"),
        "{whence}: Redis has no servers' user with a password: {joined}"
    );
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|item| item.as_str().unwrap())
        .collect()
}

#[test]
fn compose_requires_credentials_and_trusts_only_nginx() {
    let compose_text = text("deploy/compose.yaml");
    let documents = yaml_documents(compose_text.as_bytes());
    let services = &documents[0]["services"];
    assert_redis_requires_auth(&strings(&services["redis"]["command"]), "compose");
    let mongo = &services["mongo"];
    assert!(
        strings(&mongo["command"]).contains(&"--keyFile"),
        "compose: MongoDB runs without a key file (and so without access control)"
    );
    assert!(mongo["environment"]["MONGO_INITDB_ROOT_USERNAME"].is_string());
    assert!(
        !compose_text.contains("chmod 644"),
        "compose: the signing key must not be readable by everyone"
    );

    let proxy_address = services["proxy"]["networks"]["default"]["ipv4_address"]
        .as_str()
        .expect("nginx has a fixed address for TRUSTED_PROXIES to name");
    for name in ["app1", "app2"] {
        let trusted = services[name]["environment"]["TRUSTED_PROXIES"]
            .as_str()
            .unwrap();
        assert_eq!(
            trusted, proxy_address,
            "compose {name}: only nginx is trusted"
        );
        assert_narrow_proxies(trusted, name);
    }

    let nginx = text("deploy/nginx.conf");
    assert!(
        nginx.contains("proxy_set_header X-Forwarded-For $remote_addr;"),
        "deploy/nginx.conf must write X-Forwarded-For itself"
    );
    assert!(
        !nginx.contains("$proxy_add_x_forwarded_for"),
        "deploy/nginx.conf passes on an X-Forwarded-For the client wrote"
    );
}

#[test]
fn kubernetes_redis_and_mongodb_require_credentials() {
    let resources = yaml_documents(&render_kubernetes_base());

    let redis = &find(&resources, "StatefulSet", "redis")["spec"]["template"]["spec"];
    assert_redis_requires_auth(&strings(&redis["containers"][0]["args"]), "k8s");

    let mongo = &find(&resources, "StatefulSet", "mongo")["spec"]["template"]["spec"];
    let args = strings(&mongo["containers"][0]["args"]);
    assert!(
        args.contains(&"--keyFile"),
        "k8s: MongoDB runs without a key file: {args:?}"
    );
    let keyfile = mongo["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|volume| volume["secret"]["secretName"] == "mongo-auth")
        .expect("the key file comes from the mongo-auth Secret");
    assert_eq!(keyfile["secret"]["defaultMode"], 0o400);
    let mongo_env = mongo["containers"][0]["env"].to_string();
    assert!(
        mongo_env.contains("MONGO_INITDB_ROOT_PASSWORD"),
        "{mongo_env}"
    );

    let server =
        &find(&resources, "Deployment", "pianorhythm")["spec"]["template"]["spec"]["containers"][0];
    let value = |name: &str| {
        server["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|variable| variable["name"] == name)
            .unwrap_or_else(|| panic!("the server has no {name}"))
            .clone()
    };
    assert_eq!(
        value("REDIS_URL")["value"],
        "redis://pianorhythm:$(REDIS_PASSWORD)@redis:6379"
    );
    assert_eq!(
        value("REDIS_PASSWORD")["valueFrom"]["secretKeyRef"]["name"],
        "redis-auth"
    );
    let mongodb_uri = value("MONGODB_URI")["value"].as_str().unwrap().to_owned();
    assert!(
        mongodb_uri.starts_with("mongodb://pianorhythm:$(MONGO_APP_PASSWORD)@"),
        "{mongodb_uri}"
    );
    assert_eq!(
        value("MONGO_APP_PASSWORD")["valueFrom"]["secretKeyRef"]["name"],
        "mongo-auth"
    );

    let secret = find(&resources, "Secret", "pianorhythm");
    assert!(
        secret["stringData"]["BUS_SECRET"].is_string(),
        "k8s: the servers' Secret has no BUS_SECRET"
    );
    let config = resources
        .iter()
        .find(|resource| resource["kind"] == "ConfigMap")
        .expect("the servers' ConfigMap");
    for name in ["REDIS_URL", "MONGODB_URI"] {
        assert!(
            config["data"][name].is_null(),
            "k8s: {name} in the ConfigMap would carry no credentials"
        );
    }
    assert_narrow_proxies(
        config["data"]["TRUSTED_PROXIES"].as_str().unwrap(),
        "k8s config.env",
    );
}

/// Default-deny, then one allow rule per path the stack uses; each selects pods that exist.
#[test]
fn kubernetes_network_policies_allow_only_what_the_stack_uses() {
    let resources = yaml_documents(&render_kubernetes_base());
    let policy = |name: &str| find(&resources, "NetworkPolicy", name)["spec"].clone();

    let deny = policy("default-deny");
    assert_eq!(deny["podSelector"], serde_json::json!({}));
    assert_eq!(
        deny["policyTypes"],
        serde_json::json!(["Ingress", "Egress"])
    );
    assert!(deny["ingress"].is_null() && deny["egress"].is_null());

    let dns = policy("allow-dns");
    assert_eq!(dns["podSelector"], serde_json::json!({}));
    assert!(dns["ingress"].is_null());
    let dns_ports = dns["egress"][0]["ports"].to_string();
    assert!(dns_ports.contains("53"), "{dns_ports}");

    let server = policy("pianorhythm-server");
    let ingress = server["ingress"].as_array().unwrap();
    let from_namespace = |rule: &Value| {
        rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let ports = |rule: &Value| -> Vec<Value> {
        rule["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|port| port["port"].clone())
            .collect()
    };
    assert_eq!(
        ingress.len(),
        2,
        "only the ingress controller and Prometheus"
    );
    assert_eq!(from_namespace(&ingress[0]), "ingress-nginx");
    assert_eq!(ports(&ingress[0]), ["http"]);
    assert_eq!(from_namespace(&ingress[1]), "monitoring");
    assert_eq!(ports(&ingress[1]), ["metrics"]);
    let reached: Vec<(String, Vec<Value>)> = server["egress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| {
            let to = &rule["to"][0];
            let target = match to["ipBlock"]["cidr"].as_str() {
                Some(cidr) => cidr.to_owned(),
                None => to["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                    .as_str()
                    .expect("egress to pods of this stack, or to an address block")
                    .to_owned(),
            };
            (target, ports(rule))
        })
        .collect();
    assert_eq!(
        reached,
        [
            ("redis".to_owned(), vec![6379.into()]),
            ("mongodb".to_owned(), vec![27017.into()]),
            ("0.0.0.0/0".to_owned(), vec![443.into()]),
        ]
    );
    // HTTPS out (OAuth providers, Sentry) reaches the internet only: never this cluster's
    // private ranges nor the cloud's metadata address.
    let internet = server["egress"][2]["to"][0]["ipBlock"]["except"].to_string();
    for private in [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
    ] {
        assert!(internet.contains(private), "{internet}");
    }

    let redis = policy("redis");
    assert_eq!(redis["ingress"].as_array().unwrap().len(), 1);
    assert_eq!(
        redis["ingress"][0]["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"],
        "pianorhythm"
    );
    assert!(redis["egress"].is_null(), "Redis reaches nothing");
    policy("mongodb");
    policy("mongodb-init");

    // Every policy but the namespace-wide ones selects pods this base runs.
    let pod_labels: Vec<&Map<String, Value>> = resources
        .iter()
        .filter_map(|resource| resource["spec"]["template"]["metadata"]["labels"].as_object())
        .collect();
    for resource in resources.iter().filter(|r| r["kind"] == "NetworkPolicy") {
        let wanted = resource["spec"]["podSelector"]["matchLabels"].as_object();
        let Some(wanted) = wanted else { continue };
        let selects = pod_labels.iter().any(|labels| {
            wanted
                .iter()
                .all(|(key, value)| labels.get(key) == Some(value))
        });
        assert!(selects, "{} selects no pod", resource["metadata"]["name"]);
    }
}
