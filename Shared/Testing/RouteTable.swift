import Foundation
import Hummingbird
import KisumRuntime

/// The route → file table each service's NOTES.md carries, read from the source and compared with the
/// router, so a newcomer can find the file behind any path and the table cannot drift.
///
/// The scan relies on the one convention every routes file follows: a route group is declared on one
/// line, `let <name> = <expression>("/full/path/prefix"…)` (the first string literal starting with `/`
/// is the group's full path), and routes register as `<name>.get("<relative path>", use: …)` on such a
/// variable (or on `router`, the root). Comparing the scan with `router.routes` proves the scan right:
/// a route registered any other way shows up as unexplained.
public enum RouteTable {
    public struct Entry: Hashable, Comparable, Sendable {
        public var method: String
        public var path: String
        public var file: String

        public static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.path, lhs.method, lhs.file) < (rhs.path, rhs.method, rhs.file)
        }
    }

    static let begin = "<!-- routes:begin -->"
    static let end = "<!-- routes:end -->"
    static let methods = "get|post|put|patch|delete|head"
    static let groupLine = try! NSRegularExpression(pattern: #"^\s*let\s+(\w+)\s*=\s*[^"\n]*"(/[^"]*)""#, options: [.anchorsMatchLines])
    static let registration = try! NSRegularExpression(pattern: #"\b(\w+)\.("# + methods + #")\(\s*"([^"]*)"\s*(?:,\s*use:|\)\s*\{)"#)

    /// The repository's root, from this file's place in it (`Shared/Testing/RouteTable.swift`).
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every registration found under `Services/<folder>/Sources`, with problems the scan met.
    public static func scan(service folder: String) throws -> (entries: [Entry], problems: [String]) {
        let sources = root.appendingPathComponent("Services/\(folder)/Sources")
        var entries: [Entry] = []
        var problems: [String] = []
        let files = (FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted()
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            var groups = ["router": ""]
            for match in groupLine.matches(in: text, range: range) {
                groups[substring(text, match, 1)] = substring(text, match, 2)
            }
            for match in registration.matches(in: text, range: range) {
                let variable = substring(text, match, 1)
                guard let prefix = groups[variable] else { continue }
                let relative = substring(text, match, 3)
                if relative.hasPrefix("/") && !prefix.isEmpty {
                    problems.append("Sources/\(file): \(variable).\(substring(text, match, 2))(\"\(relative)\") starts with / on a group")
                }
                entries.append(Entry(method: substring(text, match, 2).uppercased(), path: join(prefix, relative), file: "Sources/\(file)"))
            }
        }
        return (entries.sorted(), problems)
    }

    /// The table as it stands between the markers in NOTES.md.
    public static func render(_ entries: [Entry]) -> String {
        var lines = ["| method | path | file |", "|---|---|---|"]
        for entry in entries.sorted() { lines.append("| \(entry.method) | `\(entry.path)` | `\(entry.file)` |") }
        return lines.joined(separator: "\n")
    }

    /// Problems with the service's routes table: routes the scan cannot explain, scanned routes the
    /// router lacks, a NOTES.md table that differs from the source. `kernel` is a router holding only
    /// the kernel's own routes (health, metrics, contract), which are not the service's to list.
    /// With `UPDATE_ROUTE_TABLES=1` in the environment the NOTES.md table is rewritten instead.
    public static func check<Context>(router: Router<Context>, kernel: Router<Context>, service folder: String) throws -> [String] {
        let (entries, scanProblems) = try scan(service: folder)
        var problems = scanProblems
        let kernelRoutes = Set(kernel.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }).subtracting(kernelRoutes)
        let scanned = entries.map { "\($0.method) \($0.path)" }
        for (route, count) in Dictionary(scanned.map { ($0, 1) }, uniquingKeysWith: +) where count > 1 {
            problems.append("\(route) is registered \(count) times in the source")
        }
        for route in routed.subtracting(scanned).sorted() {
            problems.append("\(route) is routed but not registered the findable way (a `let x = ….group(\"/full/prefix\")` line, then `x.get(\"…\", use:)`)")
        }
        for route in Set(scanned).subtracting(routed).sorted() {
            problems.append("\(route) was read from the source but the router does not have it")
        }
        let notes = root.appendingPathComponent("Services/\(folder)/NOTES.md")
        let text = (try? String(contentsOf: notes, encoding: .utf8)) ?? ""
        let table = render(entries)
        if current(in: text) != table {
            if ProcessInfo.processInfo.environment["UPDATE_ROUTE_TABLES"] == "1" {
                try replacing(table, in: text).write(to: notes, atomically: true, encoding: .utf8)
            } else {
                problems.append("Services/\(folder)/NOTES.md's route table differs from the source; run `UPDATE_ROUTE_TABLES=1 swift test --filter RouteTable` and commit it")
            }
        }
        return problems
    }

    /// The same check for a service, over its test runtime; `folder` is its folder under `Services/`.
    public static func check<Service: KisumService>(_ service: Service.Type, settings: Service.Settings, folder: String) async throws -> [String] {
        let runtime = try await Service.testRuntime(settings: settings)
        let router = try await Service.buildRouter(runtime)
        return try check(router: router, kernel: runtime.makeRouter(context: Service.Context.self), service: folder)
    }

    static func current(in text: String) -> String? {
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else { return nil }
        return text[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func replacing(_ table: String, in text: String) -> String {
        let block = "\(begin)\n\(table)\n\(end)"
        if let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) {
            return text.replacingCharacters(in: start.lowerBound..<stop.upperBound, with: block)
        }
        let heading = """
        ## Routes

        Every route this service registers and the file that registers it (health, metrics and
        `/openapi.yaml` come from the kernel). The table is read from the source by `RouteTable` and checked
        by the route-table test; `UPDATE_ROUTE_TABLES=1 swift test --filter RouteTable` rewrites it.
        """
        return text.trimmingCharacters(in: .newlines) + "\n\n" + heading + "\n\n" + block + "\n"
    }

    static func join(_ prefix: String, _ relative: String) -> String {
        "/" + (prefix.split(separator: "/") + relative.split(separator: "/")).joined(separator: "/")
    }

    static func substring(_ text: String, _ match: NSTextCheckingResult, _ group: Int) -> String {
        guard let range = Range(match.range(at: group), in: text) else { return "" }
        return String(text[range])
    }
}
