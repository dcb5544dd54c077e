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

    @Test("multi-stage: a Swift bookworm builder and a bookworm-slim runtime with the shared libraries")
    func stages() throws {
        let froms = try Self.instructions().filter { $0.hasPrefix("FROM ") }
        #expect(froms.count == 2)
        #expect(froms.first?.contains("swift:") == true && froms.first?.contains("bookworm") == true && froms.first?.contains(" AS build") == true)
        #expect(froms.last == "FROM debian:bookworm-slim")
        let runtimeInstall = try #require(try Self.instructions().last { $0.hasPrefix("RUN ") && $0.contains("apt-get install") })
        for package in ["libcurl4", "libargon2-1", "ca-certificates", "libpangocairo-1.0-0", "fonts-noto-core", "fonts-noto-cjk"] {
            #expect(runtimeInstall.contains(" \(package) "), "the runtime stage must install \(package)")
        }
        let buildInstall = try #require(try Self.instructions().first { $0.hasPrefix("RUN ") && $0.contains("apt-get install") })
        for package in ["libcurl4-openssl-dev", "libargon2-dev", "libpango1.0-dev", "libcairo2-dev"] {
            #expect(buildInstall.contains(package), "the build stage must install \(package)")
        }
    }

    @Test("builds every executable of Package.swift in release and copies each into the image")
    func products() throws {
        let instructions = try Self.instructions()
        let argument = try #require(instructions.first { $0.hasPrefix("ARG KISUM_PRODUCTS=") })
        let listed = argument.dropFirst("ARG KISUM_PRODUCTS=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            .split(separator: " ").map(String.init)
        #expect(Set(listed) == Set(try PackageManifest.services().map(\.executable)), "KISUM_PRODUCTS must list every executable")
        #expect(listed.count == Set(listed).count)
        let build = try #require(instructions.first { $0.contains("swift build -c release") })
        #expect(build.contains("for product in $KISUM_PRODUCTS"))
        #expect(build.contains("cp \"$bin/$product\" /staging/bin/"))
        #expect(instructions.contains("COPY --from=build /staging/bin/ /app/bin/"))
    }

    @Test("copies every source folder the manifest needs, and contracts/ and Migrations/ to /app")
    func resources() throws {
        let instructions = try Self.instructions()
        for folder in try PackageManifest.targetRootFolders() {
            #expect(instructions.contains("COPY \(folder) ./\(folder)"), "the build stage must copy \(folder)/")
        }
        #expect(instructions.contains("COPY Package.swift ./"))
        #expect(instructions.contains("COPY --from=build /src/contracts/ /app/contracts/"))
        #expect(instructions.contains("COPY --from=build /src/Migrations/ /app/Migrations/"))
        let env = instructions.filter { $0.hasPrefix("ENV ") }.joined(separator: " ")
        #expect(env.contains("KISUM_RESOURCES_DIR=/app"))
        #expect(env.contains("PATH=/app/bin:$PATH"))
    }

    @Test("runs as a non-root user, and the command chooses the role")
    func runtime() throws {
        let instructions = try Self.instructions()
        let user = try #require(instructions.last { $0.hasPrefix("USER ") })
        let id = user.dropFirst(5).split(separator: ":").first.map(String.init) ?? ""
        #expect(id != "root" && id != "0" && !id.isEmpty)
        #expect(instructions.last { $0.hasPrefix("CMD ") } == #"CMD ["platform-core", "serve"]"#)
        #expect(!instructions.contains { $0.hasPrefix("ENTRYPOINT ") }, "the command alone picks the executable")
        let exposed = Set(try #require(instructions.first { $0.hasPrefix("EXPOSE ") }).split(separator: " ").dropFirst().compactMap { Int($0) })
        #expect(exposed == Set(try PackageManifest.services().map(\.defaultPort)))
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
        for target in ["run", "up", "down", "test", "build", "migrate"] {
            #expect(makefile.contains("\n\(target):"), "make \(target) is missing")
        }
        for script in ["deploy/local/platform.sh", "deploy/local/smoke.sh", "deploy/scripts/install-deps.sh",
                       "deploy/scripts/build.sh", "deploy/scripts/test.sh", ".ci/run"] {
            #expect(FileManager.default.isExecutableFile(atPath: Repo.path(script)), "\(script) must be executable")
            if findProgram("bash") != nil {
                try await runProgram(["bash", "-n", Repo.path(script)])
            }
        }
        let test = try Repo.text("deploy/scripts/test.sh")
        #expect(test.contains("swift build --build-tests"))
        #expect(test.contains("swift test"))
        let ci = try Repo.text(".ci/run")
        for step in ["make test", "make up", "deploy/local/smoke.sh", "make down"] {
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
