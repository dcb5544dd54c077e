import Foundation
import Testing

@Suite("deploy/compose.yaml")
struct ComposeTests {
    @Test("PostgreSQL is healthy-checked and its init script creates every service's database")
    func postgres() throws {
        let compose = try ComposeFile.load()
        let postgres = try #require(compose.services["postgres"])
        // Debian's PostgreSQL, built from deploy/Dockerfile's postgres stage (no registry image).
        #expect(postgres.image == "kisum-postgres:local")
        #expect((postgres.raw["build"] as? [String: Any])?["target"] as? String == "postgres")
        #expect(postgres.healthcheck.contains("pg_isready"))
        let initMount = try #require(postgres.volumes.first { $0.hasSuffix(":/docker-entrypoint-initdb.d:ro") || $0.hasSuffix(":/docker-entrypoint-initdb.d") })
        let initFolder = "deploy/" + String(initMount.split(separator: ":")[0]).replacingOccurrences(of: "./", with: "")
        let scripts = Repo.files(under: initFolder, suffix: ".sql")
        #expect(!scripts.isEmpty, "no .sql init script in \(initFolder)")
        let sql = try scripts.map { try Repo.text($0) }.joined(separator: "\n")
        let created = Set(sql.matches(of: try Regex(#"CREATE DATABASE\s+(\w+)"#)).map { String($0.output[1].substring ?? "") })

        for service in try PackageManifest.services() {
            let server = try #require(compose.services[service.executable], "compose has no \(service) service")
            let url = try #require(server.environment["DATABASE_URL"])
            // Interpolations like ${KISUM_DB_PASSWORD:?…} stand for a value; the rest must be a URL.
            let concrete = url.replacing(try Regex(#"\$\{[^}]*\}"#), with: "x")
            let database = try #require(URLComponents(string: concrete)?.path.dropFirst(), "\(service): DATABASE_URL \(url) is not a URL")
            #expect(created.contains(String(database)), "\(service) uses database \(database), which the init script does not create")
            #expect(try LocalRun.serviceTable()[service.executable]?.database == String(database),
                    "compose and the local run disagree on \(service)'s database")
        }
    }

    @Test("each service has a one-shot migrate job after PostgreSQL and a server after its migrations",
          arguments: try PackageManifest.services())
    func serviceAndMigrate(service: ServiceDeclaration) throws {
        let compose = try ComposeFile.load()
        let containers = compose.services.values.filter { $0.executable == service.executable }
        let migrate = try #require(containers.first { $0.command == [service.executable, "migrate"] }, "no `\(service) migrate` container")
        let server = try #require(containers.first { $0.command == [service.executable, "serve"] }, "no `\(service) serve` container")
        #expect(server.name == service.executable, "the serving container must be named \(service): the gateway's upstreams use that name")

        #expect(migrate.dependsOn["postgres"] == "service_healthy")
        #expect(migrate.raw["restart"] as? String == "no")
        #expect(server.raw["restart"] as? String == "on-failure", "a crashed server must be restarted")
        #expect(server.dependsOn[migrate.name] == "service_completed_successfully")
        #expect(server.environment["PORT"] == String(service.defaultPort))
        #expect(migrate.environment == server.environment, "the migrate job must run with the server's settings")
        #expect(server.healthcheck.contains { $0.contains("127.0.0.1:\(service.defaultPort)/health/ready") },
                "the healthcheck must probe /health/ready on port \(service.defaultPort)")
        #expect(server.environment["KISUM_RESOURCES_DIR"] == "/app")
        if service.needsPlatformCore {
            #expect(server.environment["AUTH_JWKS_URL"] == "http://platform-core:8000/.well-known/jwks.json")
            #expect(server.environment["PLATFORM_CORE_URL"] == "http://platform-core:8000")
            #expect(server.environment["PLATFORM_CORE_API_KEY"] == compose.services["platform-core"]?.environment["INTERNAL_API_KEYS"],
                    "\(service) must present the key Platform Core accepts")
        }
    }

    @Test("every Kisum container runs the one image built from deploy/Dockerfile")
    func oneImage() throws {
        let compose = try ComposeFile.load()
        let executables = Set(try PackageManifest.services().map(\.executable))
        let kisum = compose.services.values.filter { $0.executable.map(executables.contains) == true }
        #expect(kisum.count == executables.count * 2, "a server and a migrate job per service")
        let images = Set(kisum.compactMap(\.image))
        #expect(images.count == 1, "Kisum containers use several images: \(images.sorted())")
        let builders = kisum.compactMap { $0.raw["build"] as? [String: Any] }
        #expect(builders.count == 1, "exactly one container builds the image")
        let build = try #require(builders.first)
        #expect(build["target"] as? String == "runtime")
        let context = try #require(build["context"] as? String)
        let dockerfile = try #require(build["dockerfile"] as? String)
        let contextPath = URL(fileURLWithPath: Repo.path("deploy")).appendingPathComponent(context).standardized.path
        #expect(contextPath == URL(fileURLWithPath: Repo.root).standardized.path, "the build context must be the repository root")
        #expect(FileManager.default.fileExists(atPath: contextPath + "/" + dockerfile))
    }

    @Test("the gateway mounts deploy/gateway, alone publishes a port (8080 unless KISUM_CONTAINERS_PORT) and waits for every service")
    func gateway() throws {
        let compose = try ComposeFile.load()
        let gateway = try #require(compose.services["gateway"])
        #expect(gateway.image == "kisum-gateway:local")
        #expect((gateway.raw["build"] as? [String: Any])?["target"] as? String == "gateway")
        #expect(gateway.ports == ["${KISUM_CONTAINERS_PORT:-8080}:8080"])
        for service in compose.services.values where service.name != "gateway" {
            #expect(service.ports.isEmpty, "\(service.name) must not be published: only the gateway is")
        }
        #expect(gateway.volumes.contains("./gateway:/etc/nginx/kisum:ro"))
        #expect(gateway.volumes.contains("./gateway/server.conf:/etc/nginx/conf.d/default.conf:ro"))
        for service in try PackageManifest.services() {
            #expect(gateway.dependsOn[service.executable] == "service_healthy", "the gateway must wait for \(service)")
        }
        let server = try Repo.text("deploy/gateway/server.conf")
        #expect(server.contains("include /etc/nginx/kisum/upstreams.conf;"))
        #expect(server.contains("include /etc/nginx/kisum/routes.conf;"))
        #expect(server.contains("listen 8080;"))
    }

    @Test("no secret is written into compose.yaml: every key and password is interpolated")
    func noLiteralSecrets() throws {
        let compose = try ComposeFile.load()
        for service in compose.services.values {
            for (name, value) in service.environment where name.hasSuffix("_KEY") || name.hasSuffix("_KEYS") || name.contains("PASSWORD") {
                #expect(value.hasPrefix("${") && value.hasSuffix("}"), "\(service.name).\(name) must come from the environment")
            }
            if let url = service.environment["DATABASE_URL"] {
                #expect(url.contains("${KISUM_DB_PASSWORD"), "\(service.name)'s DATABASE_URL must interpolate the password")
            }
        }
    }
}
