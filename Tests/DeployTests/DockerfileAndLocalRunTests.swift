import Foundation
import Testing

@Suite("deploy/Dockerfile")
struct DockerfileTests {
    /// Instructions with their continuation lines joined, comments dropped.
    static func instructions() throws -> [String] {
        var result: [String] = []
        var current = ""
        for line in try Repo.text("deploy/Dockerfile").split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || (trimmed.isEmpty && current.isEmpty) { continue }
            if trimmed.hasSuffix("\\") {
                current += trimmed.dropLast() + " "
            } else {
                current += trimmed
                if !current.isEmpty { result.append(current) }
                current = ""
            }
        }
        return result
    }

    /// The instructions of each stage, by its `AS` name.
    static func stageInstructions() throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for instruction in try instructions() {
            if instruction.hasPrefix("FROM ") {
                current = instruction.components(separatedBy: " AS ").last
            }
            if let current { result[current, default: []].append(instruction) }
        }
        return result
    }

    @Test("stages: a Swift bookworm builder; postgres, gateway and the runtime's file tree on one bookworm base")
    func stages() throws {
        let instructions = try Self.instructions()
        let stages = try Self.stageInstructions()
        // The base is a build arg: debian:bookworm-slim from a registry, or the debootstrapped kisum-base:bookworm.
        #expect(instructions.contains("ARG BASE_IMAGE=debian:bookworm-slim"))
        let build = try #require(stages["build"])
        #expect(build.first?.contains("swift:") == true && build.first?.contains("bookworm") == true)
        for name in ["runtime-root", "postgres", "gateway"] {
            #expect(stages[name]?.first == "FROM ${BASE_IMAGE} AS \(name)", "the \(name) stage must start from BASE_IMAGE")
        }
        // The runtime is the default (last) stage: the files runtime-root.sh picked from runtime-root, on nothing else.
        #expect(instructions.last { $0.hasPrefix("FROM ") } == "FROM scratch AS runtime", "the runtime is the default (last) stage")
        #expect(stages["runtime"]?.contains("COPY --from=runtime-root /rootfs/ /") == true)
        #expect(stages["runtime-root"]?.contains { $0.hasPrefix("RUN ") && $0.contains("runtime-root.sh") } == true)
        let runtimeInstall = try #require(stages["runtime-root"]?.first { $0.hasPrefix("RUN ") && $0.contains("apt-get install") })
        for package in ["libcurl4", "libargon2-1", "libxml2", "ca-certificates", "libpangocairo-1.0-0", "fonts-noto-core", "fonts-noto-cjk"] {
            #expect(runtimeInstall.contains(" \(package) "), "the runtime stage must install \(package)")
        }
        let buildInstall = try #require(build.first { $0.hasPrefix("RUN ") && $0.contains("apt-get install") })
        for package in ["libcurl4-openssl-dev", "libargon2-dev", "libpango1.0-dev", "libcairo2-dev"] {
            #expect(buildInstall.contains(package), "the build stage must install \(package)")
        }
        #expect(stages["postgres"]?.contains { $0.contains("apt-get install") && $0.contains("postgresql-15") } == true)
        #expect(stages["gateway"]?.contains { $0.contains("apt-get install") && $0.contains("nginx-light") } == true)
    }

    @Test("builds the all-roles executable in release, or takes the host's, and links every service's name to it")
    func products() throws {
        let instructions = try Self.instructions()
        let stages = try Self.stageInstructions()
        let argument = try #require(instructions.first { $0.hasPrefix("ARG KISUM_ROLES=") })
        let listed = argument.dropFirst("ARG KISUM_ROLES=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            .split(separator: " ").map(String.init)
        #expect(Set(listed) == Set(try PackageManifest.services().map(\.executable)), "KISUM_ROLES must list every service executable")
        #expect(listed.count == Set(listed).count)
        #expect(try Repo.text("Package.swift").contains(#".executable(name: "kisum", targets: ["KisumServer"])"#))
        // The all-roles executable runs every service's command.
        let kisum = try Repo.text("Services/Kisum/KisumCommand.swift")
        for service in try PackageManifest.services() {
            #expect(kisum.contains("ServiceCommand<\(service.library)Service>.self"), "Services/Kisum must run \(service.executable) (KisumMain.roles)")
        }
        let build = try #require(instructions.first { $0.contains("swift build -c release") })
        #expect(build.contains("--static-swift-stdlib $KISUM_STATIC_LINK_FLAGS --product kisum"))
        #expect(build.contains("/staging/bin/kisum"))
        // Either stage feeds the runtime: `build` (Docker) or `prebuilt` (make image, host executables).
        #expect(instructions.contains("ARG BINARIES=build"))
        #expect(instructions.contains("FROM ${BINARIES} AS binaries"))
        #expect(stages["prebuilt"]?.contains("COPY --from=prebuilt-bin . /staging/bin/") == true)
        let root = try #require(stages["runtime-root"])
        #expect(root.contains("ARG KISUM_ROLES"))
        #expect(root.contains("COPY --from=binaries /staging/bin/ /app/bin/"))
        #expect(root.contains { $0.contains(#"for role in $KISUM_ROLES; do ln -s kisum "/app/bin/$role"; done"#) })
        // image.sh builds on the host with the same product and link flags, read from here.
        let image = try Repo.text("deploy/containers/image.sh")
        #expect(image.contains("ARG KISUM_STATIC_LINK_FLAGS=") && image.contains("--product kisum"))
        #expect(image.contains("--static-swift-stdlib"))
    }

    @Test("copies every source folder the manifest needs, and contracts/ and Migrations/ to /app")
    func resources() throws {
        let instructions = try Self.instructions()
        let stages = try Self.stageInstructions()
        for folder in try PackageManifest.targetRootFolders() {
            #expect(instructions.contains("COPY \(folder) ./\(folder)"), "the build stage must copy \(folder)/")
        }
        #expect(instructions.contains("COPY Package.swift ./"))
        #expect(stages["prebuilt"]?.contains("COPY contracts /src/contracts") == true)
        #expect(stages["prebuilt"]?.contains("COPY Migrations /src/Migrations") == true)
        let root = try #require(stages["runtime-root"])
        #expect(root.contains("COPY --from=binaries /src/contracts/ /app/contracts/"))
        #expect(root.contains("COPY --from=binaries /src/Migrations/ /app/Migrations/"))
        let env = try #require(stages["runtime"]).filter { $0.hasPrefix("ENV ") }.joined(separator: " ")
        #expect(env.contains("KISUM_RESOURCES_DIR=/app"))
        #expect(env.contains("PATH=/app/bin:/usr/bin"))
    }

    @Test("runs as a non-root user, checks its readiness, and the command chooses the role")
    func runtime() throws {
        let runtime = try #require(try Self.stageInstructions()["runtime"])
        let user = try #require(runtime.last { $0.hasPrefix("USER ") })
        let id = user.dropFirst(5).split(separator: ":").first.map(String.init) ?? ""
        #expect(id == "10001", "the services run as uid 10001 (the Kubernetes manifests' runAsUser)")
        #expect(runtime.last { $0.hasPrefix("CMD ") } == #"CMD ["platform-core", "serve"]"#)
        #expect(!runtime.contains { $0.hasPrefix("ENTRYPOINT ") }, "the command alone picks the executable")
        let exposed = Set(try #require(runtime.first { $0.hasPrefix("EXPOSE ") }).split(separator: " ").dropFirst().compactMap { Int($0) })
        #expect(exposed == Set(try PackageManifest.services().map(\.defaultPort)))
        #expect(runtime.contains { $0.hasPrefix("HEALTHCHECK ") && $0.contains("/health/ready") })
        let gateway = try #require(try Self.stageInstructions()["gateway"])
        let gatewayUser = try #require(gateway.last { $0.hasPrefix("USER ") })
        #expect(!gatewayUser.hasPrefix("USER root") && !gatewayUser.hasPrefix("USER 0"), "the gateway runs unprivileged")
    }

    @Test("the build context leaves out build folders, local data and git")
    func dockerignore() throws {
        let ignored = Set(try Repo.text("deploy/Dockerfile.dockerignore").split(separator: "\n").map(String.init))
        for entry in [".git", ".build", ".build-*", ".data"] {
            #expect(ignored.contains(entry))
        }
    }
}

@Suite("Local run, Makefile and CI")
struct LocalRunTests {
    @Test("the local service table matches the services, their ports and one database each")
    func serviceTable() throws {
        let table = try LocalRun.serviceTable()
        let services = try PackageManifest.services()
        #expect(Set(table.keys) == Set(services.map(\.executable)))
        for service in services {
            #expect(table[service.executable]?.port == service.defaultPort)
        }
        #expect(Set(table.values.map(\.database)).count == services.count, "one database per service")
        #expect(Set(table.values.map(\.prefix)).count == services.count)
    }

    @Test("secrets are generated once, kept private, and reused")
    func secrets() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-secrets-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let first = try await runProgram(["bash", Repo.path("deploy/local/platform.sh"), "env", "venue"], environment: ["KISUM_DATA_DIR": data])
        let second = try await runProgram(["bash", Repo.path("deploy/local/platform.sh"), "env", "venue"], environment: ["KISUM_DATA_DIR": data])
        #expect(first == second, "secrets must not change between runs")
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/secrets.env")
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "secrets.env must be private (600)")
        let secrets = try String(contentsOfFile: data + "/secrets.env", encoding: .utf8)
        for name in ["PLATFORM_CORE_INTERNAL_KEY", "BASE_INTERNAL_KEY", "VENUE_INTERNAL_KEY", "FINANCE_INTERNAL_KEY",
                     "PROMOTER_INTERNAL_KEY", "SIGNING_KEY_ENCRYPTION_KEY", "KISUM_DB_PASSWORD"] {
            #expect(secrets.contains("\n\(name)=") || secrets.hasPrefix("\(name)="), "secrets.env lacks \(name)")
        }
        let signing = secrets.split(separator: "\n").first { $0.hasPrefix("SIGNING_KEY_ENCRYPTION_KEY=") }
            .map { String($0.dropFirst("SIGNING_KEY_ENCRYPTION_KEY=".count)) }
        #expect(signing.flatMap { Data(base64Encoded: $0) }?.count == 32, "SIGNING_KEY_ENCRYPTION_KEY must be 32 bytes in base64")
        let core = try await LocalRun.environment(of: "platform-core")
        #expect(core["SIGNING_KEY_ENCRYPTION_KEY"] != nil, "Platform Core gets the signing key's encryption key")
        let gitignore = try Repo.text(".gitignore")
        #expect(gitignore.split(separator: "\n").contains(".data/"))
    }

    @Test("the Makefile offers the documented targets and keeps its logic in scripts")
    func makefile() async throws {
        let makefile = try Repo.text("Makefile")
        for target in ["run", "up", "down", "test", "build", "migrate", "image", "up-containers", "down-containers"] {
            #expect(makefile.contains("\n\(target):"), "make \(target) is missing")
        }
        for script in ["deploy/local/platform.sh", "deploy/local/smoke.sh", "deploy/scripts/install-deps.sh",
                       "deploy/scripts/build.sh", "deploy/scripts/test.sh", ".ci/run",
                       "deploy/containers/base-image.sh", "deploy/containers/image.sh", "deploy/containers/compose.sh",
                       "deploy/containers/ci.sh"] {
            #expect(FileManager.default.isExecutableFile(atPath: Repo.path(script)), "\(script) must be executable")
            if findProgram("bash") != nil {
                try await runProgram(["bash", "-n", Repo.path(script)])
            }
        }
        let test = try Repo.text("deploy/scripts/test.sh")
        #expect(test.contains("swift build --build-tests"))
        #expect(test.contains("swift test"))
        let ci = try Repo.text(".ci/run")
        for step in ["make test", "make up", "deploy/local/smoke.sh", "make down", "deploy/containers/ci.sh"] {
            #expect(ci.contains(step), ".ci/run must run \(step)")
        }
    }
}

@Suite("README.md")
struct ReadmeTests {
    @Test("documents the two commands and every setting the shared kernel and each service read")
    func configurationReference() throws {
        let readme = try Repo.text("README.md")
        #expect(readme.contains("make run"))
        #expect(readme.contains("make test"))
        let shared = Repo.files(under: "Shared", suffix: ".swift").filter { !$0.hasPrefix("Shared/Testing/") }
        let kernel = try SettingsCatalog.scan(files: shared).settings.keys
        #expect(kernel.count >= 15)
        for name in kernel.sorted() {
            #expect(readme.contains("`\(name)`"), "README.md's configuration table lacks \(name)")
        }
        for service in try PackageManifest.services() {
            for name in try SettingsCatalog.forService(service).required.sorted() {
                #expect(readme.contains("`\(name)`"), "README.md does not document \(name), which \(service) requires")
            }
        }
        #expect(readme.contains("## Notes for whoever continues"))
    }
}
