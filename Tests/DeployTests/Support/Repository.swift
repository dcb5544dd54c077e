import Foundation
import KisumTesting
import Testing
import Yams

/// Files of the repository, read the way the deploy checks need them.
enum Repo {
    static let root = RepositoryPaths.root

    static func path(_ relative: String) -> String { "\(root)/\(relative)" }

    static func text(_ relative: String) throws -> String {
        do {
            return try String(contentsOfFile: path(relative), encoding: .utf8)
        } catch {
            throw DeployCheckError("cannot read \(relative): \(error)")
        }
    }

    static func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    /// Every regular file under `relative` whose name ends with `suffix`, as repository-relative paths.
    static func files(under relative: String, suffix: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: path(relative)) else { return [] }
        var found: [String] = []
        while let item = enumerator.nextObject() as? String {
            if item.hasSuffix(suffix) { found.append("\(relative)/\(item)") }
        }
        return found.sorted()
    }

    /// The single YAML document of a file, as a dictionary.
    static func yaml(_ relative: String) throws -> [String: Any] {
        guard let document = try Yams.load(yaml: text(relative)) as? [String: Any] else {
            throw DeployCheckError("\(relative) is not a YAML mapping")
        }
        return document
    }

    /// Every YAML document of a file (Kubernetes manifests hold several).
    static func yamlDocuments(_ relative: String) throws -> [[String: Any]] {
        var documents: [[String: Any]] = []
        for document in try Yams.load_all(yaml: text(relative)) {
            guard let mapping = document as? [String: Any] else {
                throw DeployCheckError("\(relative) holds a YAML document that is not a mapping")
            }
            documents.append(mapping)
        }
        return documents
    }
}

struct DeployCheckError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A service as Package.swift and its `KisumService` conformance declare it.
struct ServiceDeclaration: Sendable, CustomStringConvertible {
    /// Library and folder name (`PlatformCore`).
    var library: String
    var folder: String
    /// Executable and service name (`platform-core`).
    var executable: String
    var defaultPort: Int
    var needsPlatformCore: Bool

    var description: String { executable }
}

enum PackageManifest {
    /// The services declared by `service("Lib", folder: "Folder", executable: "exe", ...)` lines.
    static func services() throws -> [ServiceDeclaration] {
        let manifest = try Repo.text("Package.swift")
        let pattern = try Regex(#"service\(\s*"(\w+)"\s*,\s*folder:\s*"(\w+)"\s*,\s*executable:\s*"([\w-]+)""#)
        var services: [ServiceDeclaration] = []
        for match in manifest.matches(of: pattern) {
            let library = String(match.output[1].substring ?? "")
            let folder = String(match.output[2].substring ?? "")
            let executable = String(match.output[3].substring ?? "")
            let sources = try Repo.files(under: "Services/\(folder)", suffix: ".swift").map { try Repo.text($0) }.joined(separator: "\n")
            let portPattern = try Regex(#"static\s+let\s+defaultPort\s*=\s*(\d+)"#)
            guard let port = sources.firstMatch(of: portPattern).flatMap({ Int($0.output[1].substring ?? "") }) else {
                throw DeployCheckError("no `static let defaultPort = …` in Services/\(folder)")
            }
            let namePattern = try Regex(#"static\s+let\s+name\s*=\s*"([\w-]+)""#)
            let name = sources.firstMatch(of: namePattern).map { String($0.output[1].substring ?? "") }
            if name != executable {
                throw DeployCheckError("Services/\(folder) names itself \(name ?? "nothing") but its executable is \(executable)")
            }
            let standalone = try sources.contains(Regex(#"needsPlatformCore\s*(=|:\s*Bool\s*\{)\s*false"#))
            services.append(ServiceDeclaration(library: library, folder: folder, executable: executable,
                                               defaultPort: port, needsPlatformCore: !standalone))
        }
        if services.isEmpty { throw DeployCheckError("no service(...) declarations found in Package.swift") }
        return services
    }

    /// The top-level folders that target paths live in (`Shared`, `Services`, `Tests`).
    static func targetRootFolders() throws -> Set<String> {
        let manifest = try Repo.text("Package.swift")
        var folders: Set<String> = []
        for match in manifest.matches(of: try Regex(#"path:\s*"([^"/\\]+)"#)) {
            folders.insert(String(match.output[1].substring ?? ""))
        }
        return folders
    }
}
