import Foundation
import Testing

/// Compares the environment each deployment gives a service with the settings its code reads.
@Suite("Settings coverage")
struct SettingsCoverageTests {
    @Test("the scan of the sources finds the kernel's settings")
    func scanFindsKernelSettings() throws {
        let services = try PackageManifest.services()
        #expect(services.map(\.executable).sorted() == ["base", "finance", "platform-core", "promoter", "venue"])
        let core = try #require(services.first { $0.executable == "platform-core" })
        let venue = try #require(services.first { $0.executable == "venue" })
        #expect(!core.needsPlatformCore)
        #expect(venue.needsPlatformCore)

        let coreSettings = try SettingsCatalog.forService(core)
        let venueSettings = try SettingsCatalog.forService(venue)
        for name in ["DATABASE_URL", "INTERNAL_API_KEYS"] {
            #expect(coreSettings.required.contains(name), "\(name) must be required everywhere")
            #expect(venueSettings.required.contains(name), "\(name) must be required everywhere")
        }
        for name in ["AUTH_JWKS_URL", "PLATFORM_CORE_URL", "PLATFORM_CORE_API_KEY"] {
            #expect(venueSettings.required.contains(name), "\(name) is required by services that need Platform Core")
            #expect(!coreSettings.required.contains(name), "Platform Core does not need \(name)")
            #expect(coreSettings.known.contains(name))
        }
        for name in ["HOST", "PORT", "LOG_LEVEL", "LOG_FORMAT", "KISUM_RESOURCES_DIR", "DATABASE_POOL_SIZE",
                     "AUTO_MIGRATE", "ACCESS_CACHE_TTL_SECONDS", "AUTH_ISSUER", "AUTH_AUDIENCE"] {
            #expect(venueSettings.known.contains(name))
            #expect(!venueSettings.required.contains(name), "\(name) has a default")
        }
    }

    @Test("the scanner tells required, conditional and optional settings apart")
    func scannerClassifies() throws {
        let source = """
            let a = env.required("ALPHA", hint: "x")
            let b = env.url("BRAVO", required: true, hint: "y")
            let c = env.url("CHARLIE", required: false, hint: "z")
            let d = env.url("DELTA", required: needsPlatformCore, hint: "w")
            let e: String? = needsPlatformCore
                ? env.required("ECHO", hint: "v")
                : env.optional("ECHO")
            // let f = env.required("FOXTROT", hint: "commented out")
            let g = env.int("GOLF", default: 1, range: 0...2)
            if keys.isEmpty { env.report("HOTEL is required (comma-separated)") }
            if let secret = env.optional("INDIA") {
                let price = env.required("JULIET", hint: "needed with INDIA")
                if price.isEmpty { env.report("KILO is required with INDIA") }
            }
            """
        let found = Dictionary(try SettingsCatalog.scan(source: source), uniquingKeysWith: max)
        #expect(found["ALPHA"] == .required)
        #expect(found["BRAVO"] == .required)
        #expect(found["CHARLIE"] == .optional)
        #expect(found["DELTA"] == .requiredWithPlatformCore)
        #expect(found["ECHO"] == .requiredWithPlatformCore)
        #expect(found["FOXTROT"] == nil)
        #expect(found["GOLF"] == .optional)
        #expect(found["HOTEL"] == .required)
        #expect(found["INDIA"] == .optional)
        #expect(found["JULIET"] == .optional, "required only when INDIA is set")
        #expect(found["KILO"] == .optional, "required only when INDIA is set")
    }

    @Test("compose gives each service (server and migrate job) every required setting and no unknown one",
          arguments: try PackageManifest.services())
    func composeEnvironment(service: ServiceDeclaration) throws {
        let compose = try ComposeFile.load()
        let containers = compose.services.filter { $0.value.executable == service.executable }
        let commands = Set(containers.values.compactMap { $0.command.dropFirst().first })
        #expect(commands == ["serve", "migrate"], "\(service) needs a serve and a migrate container in compose, has \(commands)")
        for (name, container) in containers {
            try checkEnvironment(Set(container.environment.keys), of: service, in: "compose service \(name)")
        }
    }

    @Test("Kubernetes gives each service (Deployment and migrate Job) every required setting and no unknown one",
          arguments: try PackageManifest.services())
    func kubernetesEnvironment(service: ServiceDeclaration) throws {
        let manifests = try KubernetesManifests.load()
        let containers = manifests.containers.filter { $0.executable == service.executable }
        #expect(Set(containers.map(\.kind)) == ["Deployment", "Job"], "\(service) needs a Deployment and a migrate Job")
        for container in containers {
            try checkEnvironment(Set(container.environmentNames), of: service, in: "\(container.kind) \(container.owner)")
        }
    }

    @Test("the local run gives each service every required setting and no unknown one",
          arguments: try PackageManifest.services())
    func localEnvironment(service: ServiceDeclaration) async throws {
        let environment = try await LocalRun.environment(of: service.executable)
        try checkEnvironment(Set(environment.keys), of: service, in: "deploy/local/services.env.sh")
        #expect(environment["PORT"] == String(service.defaultPort))
        #expect(environment["INTERNAL_API_KEYS"].map { $0.count >= 24 } == true, "internal keys must be at least 24 characters")
        if service.needsPlatformCore {
            let core = try await LocalRun.environment(of: "platform-core")
            #expect(environment["PLATFORM_CORE_API_KEY"] == core["INTERNAL_API_KEYS"], "\(service) must present the key Platform Core accepts")
        }
    }

    /// Issue 7: Venue resolves promoter event ids at Promoter (without it every promoterEventId is a 503)
    /// and hands deposits to Finance (without it they wait), so each deployment points Venue at both with
    /// the keys they accept.
    @Test("every deployment wires Venue to Promoter and Finance", arguments: [
        ("PROMOTERS", "promoter", "8083"), ("FINANCE", "finance", "8082"),
    ])
    func venueReachesItsCallees(prefix: String, callee: String, port: String) async throws {
        let local = try await LocalRun.environment(of: "venue")
        let target = try await LocalRun.environment(of: callee)
        #expect(local["\(prefix)_BASE_URL"] == "http://127.0.0.1:\(target["PORT"] ?? "")")
        #expect(local["\(prefix)_API_KEY"] != nil && local["\(prefix)_API_KEY"] == target["INTERNAL_API_KEYS"],
                "venue must present the key \(callee) accepts")

        let compose = try ComposeFile.load().services.values.filter { $0.executable == "venue" }
        #expect(!compose.isEmpty)
        for container in compose {
            #expect(container.environment["\(prefix)_BASE_URL"] == "http://\(callee):\(port)")
            #expect(container.environment["\(prefix)_API_KEY"]?.contains("\(callee.uppercased())_INTERNAL_KEY") == true)
        }

        let kubernetes = try KubernetesManifests.load().containers.filter { $0.executable == "venue" }
        #expect(!kubernetes.isEmpty)
        for container in kubernetes {
            let key = container.envValue("\(prefix)_API_KEY")?["valueFrom"] as? [String: Any]
            #expect((key?["secretKeyRef"] as? [String: Any])?["key"] as? String == "\(callee)-internal-key")
            #expect(container.environmentNames.contains("\(prefix)_BASE_URL"))
        }
    }

    /// Issue 9: Base's Venues group reads Venue's inventory (without it those reads are 503), so each deployment
    /// points Base at Venue with the key Venue accepts.
    @Test("every deployment wires Base to Venue")
    func baseReachesVenue() async throws {
        let local = try await LocalRun.environment(of: "base")
        let venue = try await LocalRun.environment(of: "venue")
        #expect(local["VENUE_URL"] == "http://127.0.0.1:\(venue["PORT"] ?? "")")
        #expect(local["VENUE_API_KEY"] != nil && local["VENUE_API_KEY"] == venue["INTERNAL_API_KEYS"], "base must present the key venue accepts")

        let compose = try ComposeFile.load().services.values.filter { $0.executable == "base" }
        #expect(!compose.isEmpty)
        for container in compose {
            #expect(container.environment["VENUE_URL"] == "http://venue:8081")
            #expect(container.environment["VENUE_API_KEY"]?.contains("VENUE_INTERNAL_KEY") == true)
        }

        let kubernetes = try KubernetesManifests.load().containers.filter { $0.executable == "base" }
        #expect(!kubernetes.isEmpty)
        for container in kubernetes {
            let key = container.envValue("VENUE_API_KEY")?["valueFrom"] as? [String: Any]
            #expect((key?["secretKeyRef"] as? [String: Any])?["key"] as? String == "venue-internal-key")
            #expect(container.environmentNames.contains("VENUE_URL"))
        }
    }

    /// Issue 10: Base pushes event income and approved expenses to Finance (without it those routes are 503), so each
    /// deployment points Base at Finance with the key Finance accepts, under Venue's names.
    @Test("every deployment wires Base to Finance")
    func baseReachesFinance() async throws {
        let local = try await LocalRun.environment(of: "base")
        let finance = try await LocalRun.environment(of: "finance")
        #expect(local["FINANCE_BASE_URL"] == "http://127.0.0.1:\(finance["PORT"] ?? "")")
        #expect(local["FINANCE_API_KEY"] != nil && local["FINANCE_API_KEY"] == finance["INTERNAL_API_KEYS"], "base must present the key finance accepts")

        let compose = try ComposeFile.load().services.values.filter { $0.executable == "base" }
        #expect(!compose.isEmpty)
        for container in compose {
            #expect(container.environment["FINANCE_BASE_URL"] == "http://finance:8082")
            #expect(container.environment["FINANCE_API_KEY"]?.contains("FINANCE_INTERNAL_KEY") == true)
        }

        let kubernetes = try KubernetesManifests.load().containers.filter { $0.executable == "base" }
        #expect(!kubernetes.isEmpty)
        for container in kubernetes {
            let key = container.envValue("FINANCE_API_KEY")?["valueFrom"] as? [String: Any]
            #expect((key?["secretKeyRef"] as? [String: Any])?["key"] as? String == "finance-internal-key")
            #expect(container.environmentNames.contains("FINANCE_BASE_URL"))
        }
    }

    private func checkEnvironment(_ names: Set<String>, of service: ServiceDeclaration, in place: String) throws {
        let settings = try SettingsCatalog.forService(service)
        let known = settings.known.union(announcedSettings[service.executable] ?? [])
        let missing = settings.required.subtracting(names)
        let unknown = names.subtracting(known)
        #expect(missing.isEmpty, "\(place) lacks required settings of \(service): \(missing.sorted())")
        #expect(unknown.isEmpty, "\(place) sets names \(service) does not read: \(unknown.sorted())")
    }
}
