import Foundation

/// Reads settings from environment variables and collects every problem instead of stopping at the
/// first, so a service that fails to start lists everything that must be fixed at once.
public struct EnvironmentReader: Sendable {
    public private(set) var problems: [String] = []
    private let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public func raw(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public mutating func required(_ name: String, hint: String) -> String {
        guard let value = raw(name) else {
            problems.append("\(name) is required (\(hint))")
            return ""
        }
        return value
    }

    public func string(_ name: String, default defaultValue: String) -> String {
        raw(name) ?? defaultValue
    }

    public func optional(_ name: String) -> String? {
        raw(name)
    }

    public mutating func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
            return defaultValue
        }
        return value
    }

    public mutating func bool(_ name: String, default defaultValue: Bool) -> Bool {
        guard let text = raw(name)?.lowercased() else { return defaultValue }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append("\(name) must be true or false, got \"\(text)\"")
            return defaultValue
        }
    }

    public mutating func oneOf(_ name: String, _ allowed: [String], default defaultValue: String) -> String {
        guard let text = raw(name) else { return defaultValue }
        guard allowed.contains(text) else {
            problems.append("\(name) must be one of \(allowed.joined(separator: ", ")), got \"\(text)\"")
            return defaultValue
        }
        return text
    }

    /// A comma-separated list; empty entries are ignored.
    public func list(_ name: String) -> [String] {
        (raw(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// An http(s) base URL; `required` decides whether absence is a problem.
    public mutating func url(_ name: String, required: Bool, hint: String) -> String? {
        guard let text = raw(name) else {
            if required { problems.append("\(name) is required (\(hint))") }
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            problems.append("\(name) must be an http(s) URL, got \"\(text)\"")
            return nil
        }
        return text
    }

    public mutating func report(_ problem: String) {
        problems.append(problem)
    }

    /// Throws one error listing every problem found so far.
    public func validate(service: String) throws {
        if !problems.isEmpty { throw ConfigurationError(service: service, problems: problems) }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let service: String
    public let problems: [String]

    public init(service: String, problems: [String]) {
        self.service = service
        self.problems = problems
    }

    public var description: String {
        "\(service): invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
