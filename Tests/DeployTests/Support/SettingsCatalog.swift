import Foundation

/// The environment variables each executable reads, found by scanning the Swift sources for
/// `EnvironmentReader` calls (`env.required("X"`, `env.string("X"`, `env.url("X", required: …`, …), so
/// the deploy checks follow the code as services add settings.
///
/// Only names written as string literals are seen: keep `EnvironmentReader` calls literal.
struct SettingsCatalog: Sendable {
    enum Requirement: Int, Comparable, Sendable {
        case optional = 0
        /// Required only in services that need Platform Core (every service but Platform Core itself).
        case requiredWithPlatformCore = 1
        case required = 2

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Name → requirement, for the sources scanned.
    var settings: [String: Requirement]

    /// Settings of one service: the shared kernel (`Shared/`, except test support) plus `Services/<folder>/`.
    static func forService(_ service: ServiceDeclaration) throws -> (known: Set<String>, required: Set<String>) {
        let shared = Repo.files(under: "Shared", suffix: ".swift").filter { !$0.hasPrefix("Shared/Testing/") }
        let own = Repo.files(under: "Services/\(service.folder)", suffix: ".swift")
        let catalog = try scan(files: shared + own)
        var required: Set<String> = []
        for (name, requirement) in catalog.settings {
            switch requirement {
            case .required: required.insert(name)
            case .requiredWithPlatformCore where service.needsPlatformCore: required.insert(name)
            default: break
            }
        }
        return (Set(catalog.settings.keys), required)
    }

    static func scan(files: [String]) throws -> SettingsCatalog {
        var settings: [String: Requirement] = [:]
        for file in files {
            for (name, requirement) in try scan(source: Repo.text(file)) {
                settings[name] = max(settings[name] ?? .optional, requirement)
            }
        }
        return SettingsCatalog(settings: settings)
    }

    static func scan(source rawSource: String) throws -> [(String, Requirement)] {
        let source = stripLineComments(rawSource)
        var found: [(String, Requirement)] = []
        let call = try Regex(#"\.(required|string|int|bool|oneOf|url|list|optional|raw)\(\s*"([A-Z][A-Z0-9_]*)""#)
        for match in source.matches(of: call) {
            let method = String(match.output[1].substring ?? "")
            let name = String(match.output[2].substring ?? "")
            let statement = statementPrefix(in: source, before: match.range.lowerBound)
            let conditional = statement.contains("needsPlatformCore")
            var requirement: Requirement
            switch method {
            case "required":
                requirement = conditional ? .requiredWithPlatformCore : .required
            case "url":
                let rest = restOfLine(in: source, after: match.range.upperBound)
                if let flag = rest.firstMatch(of: try Regex(#"required:\s*([A-Za-z_.]+)"#)).map({ String($0.output[1].substring ?? "") }) {
                    requirement = flag == "true" ? .required : flag.hasSuffix("needsPlatformCore") ? .requiredWithPlatformCore : .optional
                } else {
                    requirement = .optional
                }
            default:
                requirement = .optional
            }
            // `if let secret = env.optional("STRIPE_SECRET_KEY") { env.required("STRIPE_PRICE_ID") }`: required
            // only in some configurations, so a deployment need not set it.
            if requirement != .optional, !enclosingHeaders(in: source, before: match.range.lowerBound).filter(isConditional).isEmpty {
                requirement = .optional
            }
            found.append((name, requirement))
        }
        // Settings validated by hand: `env.report("X is required …")`.
        let report = try Regex(#"\.report\(\s*"([A-Z][A-Z0-9_]*) is required"#)
        for match in source.matches(of: report) {
            let name = String(match.output[1].substring ?? "")
            let statement = statementPrefix(in: source, before: match.range.lowerBound)
            var requirement: Requirement = statement.contains("needsPlatformCore") ? .requiredWithPlatformCore : .required
            // `if keys.isEmpty { report("X is required") }` is the missing-value check itself; inside a block
            // that depends on another setting (`if let y = env.optional("Y") { … }`) it is conditional.
            let headers = enclosingHeaders(in: source, before: match.range.lowerBound).filter(isConditional)
            if headers.contains(where: { header in
                header.matches(of: settingLiteral).contains { String($0.output[1].substring ?? "") != name }
            }) {
                requirement = .optional
            }
            found.append((name, requirement))
        }
        return found
    }

    nonisolated(unsafe) static let settingLiteral = try! Regex(#"\.\w+\(\s*"([A-Z][A-Z0-9_]*)""#)

    /// The header lines (`if let x = … {`, `static func load(…) {`) of the blocks enclosing `index`,
    /// innermost first, up to the enclosing function.
    static func enclosingHeaders(in source: String, before index: String.Index) -> [String] {
        var headers: [String] = []
        var depth = 0
        var position = index
        while position > source.startIndex {
            position = source.index(before: position)
            switch source[position] {
            case "}": depth += 1
            case "{":
                if depth > 0 {
                    depth -= 1
                    continue
                }
                let lineStart = source[..<position].lastIndex(of: "\n").map { source.index(after: $0) } ?? source.startIndex
                let header = source[lineStart...position].trimmingCharacters(in: .whitespaces)
                headers.append(header)
                if header.contains("func ") || header.contains("init(") { return headers }
            default: continue
            }
        }
        return headers
    }

    /// Whether a block header runs its body only sometimes.
    static func isConditional(_ header: String) -> Bool {
        ["if ", "} else", "else ", "else{", "guard ", "switch ", "case ", "for ", "while "].contains { header.hasPrefix($0) }
            || header.contains("?? {")
    }

    /// Source text with `// …` comments removed (string literals containing `//`, like URLs, are kept
    /// whole because only `//` preceded by whitespace or at the start of a line starts a comment here).
    static func stripLineComments(_ source: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            if let range = line.range(of: "//"), line[..<range.lowerBound].allSatisfy(\.isWhitespace) {
                return line[..<range.lowerBound]
            }
            if let range = line.range(of: " // ") { return line[..<range.lowerBound] }
            return line
        }.joined(separator: "\n")
    }

    /// The text from the start of the statement containing `index` up to `index`: back to the nearest
    /// line that starts with `let`, `var`, `return`, `if`, `guard`, `case` or a brace.
    static func statementPrefix(in source: String, before index: String.Index) -> Substring {
        var lineStart = source[..<index].lastIndex(of: "\n").map { source.index(after: $0) } ?? source.startIndex
        while true {
            let line = source[lineStart...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
            let starters = ["let ", "var ", "return ", "if ", "guard ", "case ", "}", "{", "switch "]
            if starters.contains(where: { line.hasPrefix($0) }) || lineStart == source.startIndex { break }
            let previousEnd = source.index(before: lineStart)
            lineStart = source[..<previousEnd].lastIndex(of: "\n").map { source.index(after: $0) } ?? source.startIndex
        }
        return source[lineStart..<index]
    }

    static func restOfLine(in source: String, after index: String.Index) -> Substring {
        source[index...].prefix { $0 != "\n" }
    }
}

/// Settings the deploy files already pass although no code reads them yet: they are announced by an
/// issue in progress (unused settings are ignored by the executables). Remove an entry once the
/// service reads it; the scan then covers it.
let announcedSettings: [String: Set<String>] = [
    // Platform Core issue: the private signing keys are stored encrypted with this key.
    "platform-core": ["SIGNING_KEY_ENCRYPTION_KEY"],
]
