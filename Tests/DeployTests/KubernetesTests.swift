import Foundation
import Testing
import Yams

@Suite("deploy/k8s")
struct KubernetesTests {
    @Test("kustomization.yaml lists every manifest, and every manifest it lists exists")
    func kustomization() throws {
        let kustomization = try Repo.yaml("deploy/k8s/kustomization.yaml")
        let resources = Set((kustomization["resources"] as? [String] ?? []).map { "deploy/k8s/\($0)" })
        let manifests = try KubernetesManifests.load()
        #expect(resources == Set(manifests.files), "resources \(resources.sorted()) vs files \(manifests.files.sorted())")
        let images = kustomization["images"] as? [[String: Any]] ?? []
        #expect(images.contains { $0["name"] as? String == "kisum" }, "the kisum image must be settable in kustomization.yaml")
    }

    @Test("kubectl kustomize renders the manifests", .enabled(if: findProgram("kubectl") != nil, "kubectl is not installed"))
    func kustomizeRenders() async throws {
        let kubectl = try #require(findProgram("kubectl"))
        let rendered = try await runProgram([kubectl, "kustomize", Repo.path("deploy/k8s")])
        let kinds = try Yams.load_all(yaml: rendered).compactMap { ($0 as? [String: Any])?["kind"] as? String }
        #expect(kinds.filter { $0 == "Deployment" }.count == (try PackageManifest.services().count) + 1)
        #expect(kinds.filter { $0 == "HorizontalPodAutoscaler" }.count == (try PackageManifest.services().count) + 1)
        #expect(rendered.contains("image: registry.example/kisum@sha256:"), "kustomize must pin the kisum image by digest")
    }

    @Test("each service has a Deployment with probes on the health routes, a Service and a migrate Job",
          arguments: try PackageManifest.services())
    func service(service: ServiceDeclaration) throws {
        let manifests = try KubernetesManifests.load()
        let name = service.executable

        let deployment = try #require(manifests.document(kind: "Deployment", name: name), "no Deployment \(name)")
        let containers = manifests.containers.filter { $0.owner == name && $0.kind == "Deployment" }
        let container = try #require(containers.first)
        #expect(containers.count == 1)
        #expect(container.command == [name, "serve"])
        #expect(container.image == "kisum")
        #expect(!container.hasEnvFrom, "list settings one by one under env: so they can be checked")
        let ports = container.raw["ports"] as? [[String: Any]] ?? []
        #expect(ports.contains { $0["containerPort"] as? Int == service.defaultPort && $0["name"] as? String == "http" },
                "\(name) must expose containerPort \(service.defaultPort) named http")
        #expect(container.envValue("PORT")?["value"] as? String == String(service.defaultPort))
        for (probe, path) in [("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")] {
            let get = (container.raw[probe] as? [String: Any])?["httpGet"] as? [String: Any]
            #expect(get?["path"] as? String == path, "\(name) \(probe) must GET \(path)")
            #expect(get?["port"] as? String == "http" || get?["port"] as? Int == service.defaultPort)
        }
        #expect(((container.raw["startupProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/health/live",
                "\(name) startupProbe must GET /health/live")
        let selector = ((deployment.raw["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String]
        let labels = (((deployment.raw["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String]
        let matchLabels = try #require(selector)
        #expect(matchLabels.allSatisfy { labels?[$0.key] == $0.value }, "the Deployment's selector must match its pod labels")

        // The Service is named like the compose service: the gateway's upstreams use that name.
        let kubeService = try #require(manifests.document(kind: "Service", name: name), "no Service \(name)")
        let spec = kubeService.raw["spec"] as? [String: Any]
        #expect((spec?["selector"] as? [String: String]) == matchLabels)
        let servicePorts = spec?["ports"] as? [[String: Any]] ?? []
        #expect(servicePorts.contains { $0["port"] as? Int == service.defaultPort && ($0["targetPort"] as? String == "http" || $0["targetPort"] as? Int == service.defaultPort) })

        let jobs = manifests.containers.filter { $0.kind == "Job" && $0.executable == name }
        let job = try #require(jobs.first, "no migrate Job for \(name)")
        #expect(jobs.count == 1)
        #expect(job.command == [name, "migrate"])
        #expect(job.image == "kisum")
        #expect(["OnFailure", "Never"].contains(job.podSpec["restartPolicy"] as? String ?? ""))
        #expect(Set(job.environmentNames) == Set(container.environmentNames), "the migrate Job must run with the Deployment's settings")
    }

    @Test("ConfigMap and Secret references point at keys that exist or are documented")
    func references() throws {
        let manifests = try KubernetesManifests.load()
        let configMaps = Dictionary(manifests.documents(kind: "ConfigMap").map { ($0.name, ($0.raw["data"] as? [String: Any]) ?? [:]) },
                                    uniquingKeysWith: { a, _ in a })
        #expect(manifests.documents(kind: "Secret").isEmpty, "no Secret is committed; it is created in the cluster (deploy/k8s/README.md)")
        let readme = try Repo.text("deploy/k8s/README.md")
        var checked = 0
        for container in manifests.containers {
            for entry in container.env {
                let name = entry["name"] as? String ?? "?"
                guard let from = entry["valueFrom"] as? [String: Any] else {
                    #expect(entry["value"] is String, "\(container.owner).\(name): values must be quoted strings")
                    continue
                }
                if let ref = from["configMapKeyRef"] as? [String: Any] {
                    let map = ref["name"] as? String ?? ""
                    let key = ref["key"] as? String ?? ""
                    #expect(configMaps[map]?[key] != nil, "\(container.owner).\(name) reads missing ConfigMap key \(map)/\(key)")
                    checked += 1
                } else if let ref = from["secretKeyRef"] as? [String: Any] {
                    let secret = ref["name"] as? String ?? ""
                    let key = ref["key"] as? String ?? ""
                    #expect(secret == "kisum-secrets", "\(container.owner).\(name) reads Secret \(secret)")
                    #expect(readme.contains("--from-literal=\(key)="), "Secret key \(key) (\(container.owner).\(name)) is not documented in deploy/k8s/README.md")
                    checked += 1
                } else {
                    Issue.record("\(container.owner).\(name): unexpected valueFrom \(from.keys.sorted())")
                }
            }
        }
        #expect(checked > 10)
    }

    @Test("the gateway ConfigMap holds exact copies of deploy/gateway, mounted where server.conf expects them")
    func gateway() throws {
        let manifests = try KubernetesManifests.load()
        let configMap = try #require(manifests.document(kind: "ConfigMap", name: "kisum-gateway"))
        let data = configMap.raw["data"] as? [String: String] ?? [:]
        let files = Repo.files(under: "deploy/gateway", suffix: ".conf")
        #expect(files.count == 3)
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            #expect(data[name] == (try Repo.text(file)), "deploy/k8s/gateway.yaml's copy of \(name) differs from \(file): run deploy/scripts/sync-k8s-gateway.sh")
        }
        #expect(Set(data.keys) == Set(files.map { URL(fileURLWithPath: $0).lastPathComponent }))

        let container = try #require(manifests.containers.first { $0.owner == "gateway" && $0.kind == "Deployment" })
        #expect(container.image?.hasPrefix("nginx:") == true)
        let mounts = container.raw["volumeMounts"] as? [[String: Any]] ?? []
        #expect(mounts.contains { $0["mountPath"] as? String == "/etc/nginx/kisum" })
        #expect(mounts.contains { $0["mountPath"] as? String == "/etc/nginx/conf.d/default.conf" && $0["subPath"] as? String == "server.conf" })
        let volumes = container.podSpec["volumes"] as? [[String: Any]] ?? []
        #expect(volumes.contains { (($0["configMap"] as? [String: Any])?["name"] as? String) == "kisum-gateway" })
        #expect(manifests.document(kind: "Service", name: "gateway") != nil)

        // Outside traffic reaches the services only through the gateway.
        for ingress in manifests.documents(kind: "Ingress") {
            let rules = (ingress.raw["spec"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
            for rule in rules {
                let paths = ((rule["http"] as? [String: Any])?["paths"] as? [[String: Any]]) ?? []
                for path in paths {
                    let backend = ((path["backend"] as? [String: Any])?["service"] as? [String: Any])?["name"] as? String
                    #expect(backend == "gateway", "Ingress \(ingress.name) must send traffic to the gateway, not \(backend ?? "?")")
                }
            }
        }
    }

    // MARK: - Hardening (issue 15): the properties checkov checks, without the Python tools.

    @Test("every pod runs hardened: non-root, read-only root, seccomp, no capabilities, no service-account token, limits, /tmp")
    func hardened() throws {
        let manifests = try KubernetesManifests.load()
        let workloads = manifests.documents.filter { ["Deployment", "Job"].contains($0.kind) }
        #expect(workloads.count >= 12)
        for workload in workloads {
            let where_ = "\(workload.kind) \(workload.name)"
            let pod = Self.podSpec(workload)
            #expect(pod["automountServiceAccountToken"] as? Bool == false, "\(where_): automountServiceAccountToken must be false")
            #expect(pod["hostNetwork"] == nil && pod["hostPID"] == nil && pod["hostIPC"] == nil, "\(where_) must not share the host's namespaces")
            let security = pod["securityContext"] as? [String: Any] ?? [:]
            #expect(security["runAsNonRoot"] as? Bool == true, "\(where_): runAsNonRoot")
            #expect((security["runAsUser"] as? Int ?? 0) > 10000, "\(where_): runAsUser must be a high unprivileged uid")
            #expect((security["runAsGroup"] as? Int ?? 0) > 10000, "\(where_): runAsGroup")
            #expect(security["fsGroup"] as? Int == security["runAsGroup"] as? Int, "\(where_): fsGroup")
            #expect((security["seccompProfile"] as? [String: Any])?["type"] as? String == "RuntimeDefault", "\(where_): seccomp RuntimeDefault")

            let volumes = pod["volumes"] as? [[String: Any]] ?? []
            let emptyDirs = Set(volumes.filter { $0["emptyDir"] != nil }.compactMap { $0["name"] as? String })
            let containers = (pod["initContainers"] as? [[String: Any]] ?? []) + (pod["containers"] as? [[String: Any]] ?? [])
            #expect(!containers.isEmpty)
            for container in containers {
                let name = "\(where_) container \(container["name"] as? String ?? "?")"
                let context = container["securityContext"] as? [String: Any] ?? [:]
                #expect(context["allowPrivilegeEscalation"] as? Bool == false, "\(name): allowPrivilegeEscalation must be false")
                #expect(context["readOnlyRootFilesystem"] as? Bool == true, "\(name): readOnlyRootFilesystem must be true")
                #expect(context["privileged"] as? Bool != true, "\(name) must not be privileged")
                #expect(context["runAsUser"] as? Int != 0 && context["runAsNonRoot"] as? Bool != false, "\(name) must not run as root")
                let capabilities = context["capabilities"] as? [String: Any]
                #expect((capabilities?["drop"] as? [String]) == ["ALL"], "\(name) must drop every capability")
                #expect(capabilities?["add"] == nil, "\(name) must add no capability")

                let resources = container["resources"] as? [String: Any] ?? [:]
                for kind in ["requests", "limits"] {
                    let values = resources[kind] as? [String: Any] ?? [:]
                    for resource in ["cpu", "memory"] {
                        #expect(values[resource] != nil, "\(name) needs resources.\(kind).\(resource)")
                    }
                }

                // With a read-only root, whatever a process writes needs a volume: /tmp, and STORAGE_DIR where set.
                let mounts = container["volumeMounts"] as? [[String: Any]] ?? []
                let pairs: [(String, String)] = mounts.compactMap { mount in
                    guard let path = mount["mountPath"] as? String else { return nil }
                    return (path, mount["name"] as? String ?? "")
                }
                let mounted = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
                #expect(mounted["/tmp"].map { emptyDirs.contains($0) } == true, "\(name) must mount an emptyDir at /tmp")
                let env = container["env"] as? [[String: Any]] ?? []
                if workload.kind == "Deployment", let storage = env.first(where: { $0["name"] as? String == "STORAGE_DIR" })?["value"] as? String {
                    #expect(storage.hasPrefix("/") && mounted[storage] != nil, "\(name): STORAGE_DIR \(storage) must be a mounted volume")
                }

                let image = container["image"] as? String ?? ""
                #expect(image == "kisum" || Self.isPinned(image), "\(name): image \(image) must be kisum (pinned in kustomization.yaml) or an exact version")
            }
        }
    }

    @Test("the kisum image is pinned by digest in kustomization.yaml, other images by exact version")
    func imagesPinned() throws {
        let kustomization = try Repo.yaml("deploy/k8s/kustomization.yaml")
        let images = kustomization["images"] as? [[String: Any]] ?? []
        let kisum = try #require(images.first { $0["name"] as? String == "kisum" })
        let digest = kisum["digest"] as? String ?? ""
        #expect(digest.range(of: "^sha256:[0-9a-f]{64}$", options: .regularExpression) != nil, "kisum must be pinned by digest, not \(kisum)")
        #expect(kisum["newTag"] == nil, "a tag can be moved: pin kisum by digest only")
        let readme = try Repo.text("deploy/k8s/README.md")
        #expect(readme.contains("kustomize edit set image"), "deploy/k8s/README.md must say how a release sets the digest")
        #expect(Self.isPinned("nginx:1.26.3-bookworm") && Self.isPinned("postgres:15.10-bookworm"))
        #expect(!Self.isPinned("nginx:1.26-bookworm") && !Self.isPinned("nginx:latest") && !Self.isPinned("nginx") && !Self.isPinned("postgres:15-bookworm"))
    }

    @Test("every Deployment has startup, readiness and liveness probes, a PodDisruptionBudget and a HorizontalPodAutoscaler")
    func availability() throws {
        let manifests = try KubernetesManifests.load()
        let deployments = manifests.documents(kind: "Deployment")
        #expect(try Set(deployments.map(\.name)) == Set(PackageManifest.services().map(\.executable) + ["gateway"]))
        for deployment in deployments {
            let spec = deployment.raw["spec"] as? [String: Any] ?? [:]
            let labels = Self.podLabels(deployment)
            #expect(spec["replicas"] == nil, "Deployment \(deployment.name) must leave the replica count to its HorizontalPodAutoscaler")
            for container in Self.podSpec(deployment)["containers"] as? [[String: Any]] ?? [] {
                for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
                    let get = (container[probe] as? [String: Any])?["httpGet"] as? [String: Any]
                    #expect((get?["path"] as? String)?.hasPrefix("/health") == true, "\(deployment.name) needs an HTTP \(probe) on a health route")
                }
            }

            let budgets = manifests.documents(kind: "PodDisruptionBudget").filter { budget in
                Self.matches((budget.raw["spec"] as? [String: Any])?["selector"] as? [String: Any], labels)
            }
            #expect(budgets.count == 1, "\(deployment.name) needs exactly one PodDisruptionBudget, has \(budgets.map(\.name))")
            if let budget = budgets.first?.raw["spec"] as? [String: Any] {
                #expect(budget["maxUnavailable"] as? Int == 1 || budget["minAvailable"] as? Int == 1)
            }

            let autoscalers = manifests.documents(kind: "HorizontalPodAutoscaler").filter { hpa in
                let target = (hpa.raw["spec"] as? [String: Any])?["scaleTargetRef"] as? [String: Any]
                return target?["kind"] as? String == "Deployment" && target?["name"] as? String == deployment.name
            }
            #expect(autoscalers.count == 1, "\(deployment.name) needs exactly one HorizontalPodAutoscaler")
            if let hpa = autoscalers.first?.raw["spec"] as? [String: Any] {
                let minimum = hpa["minReplicas"] as? Int ?? 1
                #expect(minimum >= 2, "\(deployment.name): at least 2 pods, so the budget allows a drain")
                #expect((hpa["maxReplicas"] as? Int ?? 0) >= minimum)
                #expect(!(hpa["metrics"] as? [Any] ?? []).isEmpty)
            }
        }
    }

    /// Who may connect to whom, evaluated from the NetworkPolicies like a network plugin would (pods of this
    /// namespace only). The callers of each service are read from the manifests: a Deployment whose environment
    /// points a URL setting at `http://<service>:<port>` calls that service; nothing else may.
    @Test("NetworkPolicies: default deny, the gateway and the documented callers only, PostgreSQL and DNS egress")
    func networkPolicies() throws {
        let manifests = try KubernetesManifests.load()
        let policies = manifests.documents(kind: "NetworkPolicy").map { $0.raw["spec"] as? [String: Any] ?? [:] }
        #expect(policies.contains { spec in
            (spec["podSelector"] as? [String: Any])?.isEmpty == true && Set(spec["policyTypes"] as? [String] ?? []) == ["Ingress", "Egress"]
                && spec["ingress"] == nil && spec["egress"] == nil
        }, "a default-deny policy (all pods, Ingress and Egress, no rules) is missing")

        let config = manifests.document(kind: "ConfigMap", name: "kisum-config")?.raw["data"] as? [String: Any] ?? [:]
        let deployments = manifests.documents(kind: "Deployment")
        var ports: [String: Int] = [:]
        for service in manifests.documents(kind: "Service") {
            let first = ((service.raw["spec"] as? [String: Any])?["ports"] as? [[String: Any]])?.first
            ports[service.name] = first?["port"] as? Int
        }
        var callers: [String: Set<String>] = [:]
        for deployment in deployments {
            for container in Self.podSpec(deployment)["containers"] as? [[String: Any]] ?? [] {
                for entry in container["env"] as? [[String: Any]] ?? [] {
                    let ref = (entry["valueFrom"] as? [String: Any])?["configMapKeyRef"] as? [String: Any]
                    let value = (entry["value"] as? String) ?? (ref.flatMap { config[$0["key"] as? String ?? ""] as? String }) ?? ""
                    guard let url = URL(string: value), url.scheme == "http", let host = url.host, let port = ports[host], url.port == port,
                          host != deployment.name else { continue }
                    callers[host, default: []].insert(deployment.name)
                }
            }
        }
        #expect(callers["platform-core"] == ["base", "venue", "finance", "promoter"])
        #expect(callers["venue"] == ["base"] && callers["promoter"] == ["venue"])

        let pods = Dictionary(deployments.map { ($0.name, Self.podLabels($0)) }, uniquingKeysWith: { a, _ in a })
        let intruder = ["app.kubernetes.io/name": "intruder", "app.kubernetes.io/part-of": "kisum"]
        let sources = pods.merging(["intruder": intruder], uniquingKeysWith: { a, _ in a })
        for (service, port) in ports where service != "gateway" {
            let target = try #require(pods[service], "no Deployment for Service \(service)")
            let admitted = Set(sources.filter { Self.allows(policies, from: $0.value, to: target, port: port) }.keys)
            let expected = (callers[service] ?? []).union(["gateway"])
            #expect(admitted == expected, "\(service):\(port) admits \(admitted.sorted()), expected the gateway and its callers \(expected.sorted())")
            for caller in expected {
                #expect(Self.allows(policies, from: sources[caller] ?? [:], to: target, port: port, direction: "egress"),
                        "\(caller) needs an egress rule to \(service):\(port)")
            }
        }
        let gateway = try #require(pods["gateway"])
        #expect(Self.allows(policies, from: nil, to: gateway, port: 8080), "the gateway must accept connections from outside the namespace")

        // Every workload reaches DNS; every service and Job that reads DATABASE_URL reaches PostgreSQL; nothing else
        // leaves the namespace except on 443 (and SMTP).
        for workload in manifests.documents.filter({ ["Deployment", "Job"].contains($0.kind) }) {
            let labels = Self.podLabels(workload)
            #expect(Self.allowsEgress(policies, from: labels, port: 53, dns: true), "\(workload.name) cannot reach DNS")
            let env = (Self.podSpec(workload)["containers"] as? [[String: Any]] ?? []).flatMap { $0["env"] as? [[String: Any]] ?? [] }
            let database = env.contains { ($0["name"] as? String)?.hasSuffix("DATABASE_URL") == true }
            #expect(Self.allowsEgress(policies, from: labels, port: 5432) == database,
                    "\(workload.name): PostgreSQL egress must be open exactly for workloads with a database URL")
            #expect(!Self.allowsEgress(policies, from: labels, port: 8080), "\(workload.name) may not reach arbitrary ports")
        }
    }

    @Test("deploy/k8s/check.sh runs kubernetes-validate and checkov, and every accepted checkov finding has a reason")
    func checkScript() throws {
        let script = try Repo.text("deploy/k8s/check.sh")
        #expect(script.contains("kubernetes-validate") && script.contains("checkov"))
        #expect(FileManager.default.isExecutableFile(atPath: Repo.path("deploy/k8s/check.sh")))
        #expect(try Repo.text(".ci/run").contains("deploy/k8s/check.sh"), ".ci/run must run the manifest check")
        #expect(try Repo.text("deploy/scripts/install-deps.sh").contains("checkov=="), "the deps script installs a pinned checkov")

        let readme = try Repo.text("deploy/k8s/README.md")
        let after = try #require(readme.components(separatedBy: "## Accepted checkov findings\n").dropFirst().first)
        let section = after.components(separatedBy: "\n## ").first ?? ""
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| `CKV") }
        #expect(!rows.isEmpty)
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count == 3 && cells[2].count >= 40, "accepted finding without a reason: \(row)")
        }
    }

    // MARK: - Helpers

    static func podSpec(_ document: KubernetesManifests.Document) -> [String: Any] {
        ((document.raw["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any] ?? [:]
    }

    static func podLabels(_ document: KubernetesManifests.Document) -> [String: String] {
        (((document.raw["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
    }

    /// `name:1.2.3[-variant]` (PostgreSQL's exact versions have two parts: `postgres:15.10-bookworm`), or a digest.
    static func isPinned(_ image: String) -> Bool {
        image.contains("@sha256:")
            || image.range(of: #"^[a-z0-9./-]+:\d+\.\d+\.\d+(-[a-z0-9]+)?$"#, options: .regularExpression) != nil
            || image.range(of: #"^([a-z0-9./-]+/)?postgres:1\d\.\d+(-[a-z0-9]+)?$"#, options: .regularExpression) != nil
    }

    /// A label selector (`matchLabels`, `matchExpressions` with In/NotIn/Exists/DoesNotExist) against labels.
    static func matches(_ selector: [String: Any]?, _ labels: [String: String]) -> Bool {
        guard let selector else { return false }
        for (key, value) in selector["matchLabels"] as? [String: Any] ?? [:] where labels[key] != value as? String {
            return false
        }
        for expression in selector["matchExpressions"] as? [[String: Any]] ?? [] {
            let key = expression["key"] as? String ?? ""
            let values = Set(expression["values"] as? [String] ?? [])
            switch expression["operator"] as? String {
            case "In": if !(labels[key].map { values.contains($0) } ?? false) { return false }
            case "NotIn": if labels[key].map({ values.contains($0) }) ?? false { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }

    static func portAllowed(_ rule: [String: Any], _ port: Int, protocol wanted: String = "TCP") -> Bool {
        guard let ports = rule["ports"] as? [[String: Any]] else { return true }
        return ports.contains { ($0["port"] as? Int == port || $0["port"] == nil) && ($0["protocol"] as? String ?? "TCP") == wanted }
    }

    /// Whether a pod of this namespace with `source` labels (nil: outside the namespace) may open `port` on `target`:
    /// direction "ingress" asks the target's ingress policies, "egress" the source's egress policies.
    static func allows(_ policies: [[String: Any]], from source: [String: String]?, to target: [String: String], port: Int,
                       direction: String = "ingress") -> Bool {
        let subject = direction == "ingress" ? target : (source ?? [:])
        let peerLabels = direction == "ingress" ? source : target
        let selecting = policies.filter {
            matches($0["podSelector"] as? [String: Any], subject) && ($0["policyTypes"] as? [String] ?? []).contains(direction == "ingress" ? "Ingress" : "Egress")
        }
        return selecting.contains { policy in
            (policy[direction] as? [[String: Any]] ?? []).contains { rule in
                guard portAllowed(rule, port) else { return false }
                guard let peers = rule[direction == "ingress" ? "from" : "to"] as? [[String: Any]] else { return true }
                return peers.contains { peer in
                    guard peer["namespaceSelector"] == nil, peer["ipBlock"] == nil, let peerLabels else { return false }
                    return matches(peer["podSelector"] as? [String: Any], peerLabels)
                }
            }
        }
    }

    /// Whether `source` may open `port` to some destination outside its namespace (any address, or the cluster DNS).
    static func allowsEgress(_ policies: [[String: Any]], from source: [String: String], port: Int, dns: Bool = false) -> Bool {
        policies.filter { matches($0["podSelector"] as? [String: Any], source) && ($0["policyTypes"] as? [String] ?? []).contains("Egress") }
            .contains { policy in
                (policy["egress"] as? [[String: Any]] ?? []).contains { rule in
                    guard portAllowed(rule, port, protocol: dns ? "UDP" : "TCP") else { return false }
                    guard let peers = rule["to"] as? [[String: Any]] else { return true }
                    return peers.contains { peer in
                        if dns { return (peer["namespaceSelector"] as? [String: Any]).map { matches($0, ["kubernetes.io/metadata.name": "kube-system"]) } ?? false }
                        return peer["ipBlock"] != nil
                    }
                }
            }
    }
}
