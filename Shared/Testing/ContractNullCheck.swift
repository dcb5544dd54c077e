import Foundation
import Yams

/// Issue 13, item 15: "Encode absent optionals as `null` in every response." The wire encoder writes every
/// `Optional` property, `null` when empty, so a response property a contract does not list as `required`
/// is one that can be null, and the contract must allow it: schemathesis checks every response against
/// its schema. Properties of a schema marked `x-stored-as-given: true` (JSON stored as the client sent it,
/// whose missing keys stay missing) are exempt.
extension ContractCheck {
    /// One problem per response property (reached from any response through `$ref`, `allOf`, `anyOf`,
    /// `oneOf`, `items`, `additionalProperties` and `properties`) that is neither required nor nullable.
    public static func nullabilityProblems(inContract yaml: String) throws -> [String] {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any] else { return ["contract is not a YAML mapping"] }
        var walker = NullWalker(document: document)
        for (path, item) in (document["paths"] as? [String: Any]) ?? [:] {
            for (method, operation) in (item as? [String: Any]) ?? [:] where methods.contains(method) {
                let responses = ((operation as? [String: Any])?["responses"] as? [String: Any]) ?? [:]
                for (status, response) in responses {
                    let resolved = walker.resolve(response as? [String: Any] ?? [:])
                    for (_, media) in (resolved["content"] as? [String: Any]) ?? [:] {
                        guard let schema = (media as? [String: Any])?["schema"] as? [String: Any] else { continue }
                        walker.walk(schema, at: "\(method.uppercased()) \(path) \(status)")
                    }
                }
            }
        }
        return walker.problems.sorted()
    }
}

private struct NullWalker {
    let document: [String: Any]
    var problems: Set<String> = []
    var visitedRefs: Set<String> = []

    init(document: [String: Any]) { self.document = document }

    /// The node a local `$ref` names (itself when it has none).
    func resolve(_ node: [String: Any]) -> [String: Any] {
        guard let ref = node["$ref"] as? String, ref.hasPrefix("#/") else { return node }
        var current: Any = document
        for part in ref.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = (current as? [String: Any])?[key] else { return [:] }
            current = next
        }
        return current as? [String: Any] ?? [:]
    }

    mutating func walk(_ schema: [String: Any], at location: String) {
        var location = location
        if let ref = schema["$ref"] as? String {
            // Each named schema is checked once, under its own name.
            guard visitedRefs.insert(ref).inserted else { return }
            location = ref
        }
        let node = resolve(schema)
        for key in ["allOf", "anyOf", "oneOf"] {
            for (index, part) in ((node[key] as? [Any]) ?? []).enumerated() {
                if let part = part as? [String: Any] { walk(part, at: "\(location)/\(key)/\(index)") }
            }
        }
        for key in ["items", "additionalProperties"] {
            if let child = node[key] as? [String: Any] { walk(child, at: "\(location)/\(key)") }
        }
        let properties = (node["properties"] as? [String: Any]) ?? [:]
        let required = Set((node["required"] as? [Any] ?? []).compactMap { $0 as? String })
        let exempt = node["x-stored-as-given"] as? Bool == true
        for (name, property) in properties {
            guard let property = property as? [String: Any] else { continue }
            if !exempt, !required.contains(name), !allowsNull(property, seen: []) {
                problems.insert("\(location).\(name): an optional response property must allow null (it is sent as null when empty)")
            }
            walk(property, at: "\(location)/properties/\(name)")
        }
    }

    /// Whether `schema` accepts JSON null. A schema without `type` (and without anything that rules null
    /// out) accepts any value.
    func allowsNull(_ schema: [String: Any], seen: Set<String>) -> Bool {
        if let ref = schema["$ref"] as? String {
            guard !seen.contains(ref) else { return false }
            return allowsNull(resolve(schema), seen: seen.union([ref]))
        }
        if let type = schema["type"] {
            if let single = type as? String { return single == "null" }
            return ((type as? [Any]) ?? []).contains { $0 as? String == "null" }
        }
        for key in ["anyOf", "oneOf"] {
            if let parts = schema[key] as? [Any] {
                return parts.contains { ($0 as? [String: Any]).map { allowsNull($0, seen: seen) } ?? false }
            }
        }
        if let parts = schema["allOf"] as? [Any] {
            return parts.allSatisfy { ($0 as? [String: Any]).map { allowsNull($0, seen: seen) } ?? true }
        }
        if let values = schema["enum"] as? [Any] { return values.contains { $0 is NSNull } }
        return schema["const"] == nil
    }
}
