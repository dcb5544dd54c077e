import Foundation
import KisumTesting

/// deploy/compose.yaml, parsed.
struct ComposeFile {
    struct Service {
        var name: String
        var raw: [String: Any]
        var image: String?
        var command: [String]
        var environment: [String: String]
        /// `depends_on` name → condition.
        var dependsOn: [String: String]
        var healthcheck: [String]
        var volumes: [String]
        var ports: [String]

        /// The Kisum executable this container runs (first word of its command), if any.
        var executable: String? { command.first }
    }

    var raw: [String: Any]
    var services: [String: Service]

    static func load() throws -> ComposeFile {
        let raw = try Repo.yaml("deploy/compose.yaml")
        guard let services = raw["services"] as? [String: Any] else { throw DeployCheckError("compose.yaml has no services") }
        var parsed: [String: Service] = [:]
        for (name, value) in services {
            guard let service = value as? [String: Any] else { throw DeployCheckError("compose service \(name) is not a mapping") }
            parsed[name] = Service(
                name: name,
                raw: service,
                image: service["image"] as? String,
                command: strings(service["command"]),
                environment: environment(service["environment"]),
                dependsOn: dependsOn(service["depends_on"]),
                healthcheck: strings((service["healthcheck"] as? [String: Any])?["test"]),
                volumes: strings(service["volumes"]),
                ports: strings(service["ports"])
            )
        }
        return ComposeFile(raw: raw, services: parsed)
    }

    /// A list of scalars, or a single string split on spaces.
    static func strings(_ value: Any?) -> [String] {
        if let list = value as? [Any] { return list.map { "\($0)" } }
        if let text = value as? String { return text.split(separator: " ").map(String.init) }
        return []
    }

    /// `environment:` as a mapping or as a list of `NAME=value`.
    static func environment(_ value: Any?) -> [String: String] {
        if let mapping = value as? [String: Any] {
            return mapping.mapValues { "\($0)" }
        }
        var result: [String: String] = [:]
        for entry in strings(value) {
            let parts = entry.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    static func dependsOn(_ value: Any?) -> [String: String] {
        if let mapping = value as? [String: Any] {
            return mapping.mapValues { (($0 as? [String: Any])?["condition"] as? String) ?? "service_started" }
        }
        return Dictionary(uniqueKeysWithValues: strings(value).map { ($0, "service_started") })
    }
}

/// Every document of deploy/k8s/*.yaml (except kustomization.yaml).
struct KubernetesManifests {
    struct Document {
        var file: String
        var kind: String
        var name: String
        var raw: [String: Any]
    }

    /// A container of a Deployment or Job.
    struct Container {
        var kind: String
        var owner: String
        var raw: [String: Any]
        var image: String?
        var command: [String]
        var env: [[String: Any]]
        var hasEnvFrom: Bool
        var podSpec: [String: Any]

        var executable: String? { command.first }
        var environmentNames: [String] { env.compactMap { $0["name"] as? String } }

        func envValue(_ name: String) -> [String: Any]? { env.first { $0["name"] as? String == name } }
    }

    var files: [String]
    var documents: [Document]

    static func load() throws -> KubernetesManifests {
        let files = Repo.files(under: "deploy/k8s", suffix: ".yaml").filter { !$0.hasSuffix("/kustomization.yaml") }
        var documents: [Document] = []
        for file in files {
            for raw in try Repo.yamlDocuments(file) {
                let kind = raw["kind"] as? String ?? ""
                let name = (raw["metadata"] as? [String: Any])?["name"] as? String ?? ""
                if kind.isEmpty || name.isEmpty { throw DeployCheckError("\(file): a document without kind or metadata.name") }
                documents.append(Document(file: file, kind: kind, name: name, raw: raw))
            }
        }
        return KubernetesManifests(files: files, documents: documents)
    }

    func documents(kind: String) -> [Document] { documents.filter { $0.kind == kind } }

    func document(kind: String, name: String) -> Document? { documents.first { $0.kind == kind && $0.name == name } }

    var containers: [Container] {
        documents.filter { ["Deployment", "Job"].contains($0.kind) }.flatMap { document -> [Container] in
            let podSpec = ((document.raw["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any] ?? [:]
            let containers = podSpec["containers"] as? [[String: Any]] ?? []
            return containers.map { raw in
                Container(kind: document.kind, owner: document.name, raw: raw, image: raw["image"] as? String,
                          command: ComposeFile.strings(raw["command"]), env: raw["env"] as? [[String: Any]] ?? [],
                          hasEnvFrom: raw["envFrom"] != nil, podSpec: podSpec)
            }
        }
    }
}

/// The local run's scripts, asked through `deploy/local/platform.sh env <service>` with a throw-away
/// data folder (it generates its own secrets there).
enum LocalRun {
    static let dataDirectory: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-deploytests-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }()

    static func environment(of service: String) async throws -> [String: String] {
        let output = try await runProgram(["bash", Repo.path("deploy/local/platform.sh"), "env", service],
                                          environment: ["KISUM_DATA_DIR": dataDirectory])
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw DeployCheckError("platform.sh env \(service) printed \"\(line)\"") }
            result[String(parts[0])] = String(parts[1])
        }
        return result
    }

    /// The local service table: service → (port, database, gateway prefix).
    static func serviceTable() throws -> [String: (port: Int, database: String, prefix: String)] {
        let script = try Repo.text("deploy/local/services.env.sh")
        guard let start = script.range(of: "KISUM_SERVICE_TABLE='"),
              let end = script[start.upperBound...].range(of: "'")
        else { throw DeployCheckError("no KISUM_SERVICE_TABLE in deploy/local/services.env.sh") }
        var table: [String: (port: Int, database: String, prefix: String)] = [:]
        for line in script[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 4, let port = Int(fields[1]) else { continue }
            table[String(fields[0])] = (port, String(fields[2]), String(fields[3]))
        }
        return table
    }
}

/// Runs `body` on a thread of its own: blocking work (processes, sockets) must not occupy the
/// cooperative pool, which the in-process servers of these tests need to answer.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Runs a program off the cooperative pool and returns its standard output.
@discardableResult
func runProgram(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
    try await blocking { try run(arguments, environment: environment) }
}

/// Runs a program and returns its standard output; throws with its output when it fails.
@discardableResult
func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    let completed: ChildProcess.Completed = try ChildProcess.run(["/usr/bin/env"] + arguments, environment: environment)
    guard completed.code == 0 else {
        throw DeployCheckError("\(arguments.joined(separator: " ")) failed (\(completed.code)):\n\(completed.output)\n\(completed.errors)")
    }
    return completed.output
}

/// Where a program is on PATH (or in the usual sbin folders), if installed.
func findProgram(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"] {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
