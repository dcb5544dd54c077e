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
        let security = container.raw["securityContext"] as? [String: Any]
        #expect(security?["runAsNonRoot"] as? Bool == true)
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
}
