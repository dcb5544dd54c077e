import Foundation
import Hummingbird
import Yams

/// Compares a service's router with its OpenAPI contract, and checks the contract's own rules:
/// every operation has an operationId, a summary, a tag, declared security and responses.
public enum ContractCheck {
    public struct Operation: Hashable, Comparable, CustomStringConvertible, Sendable {
        public var method: String
        public var path: String

        public var description: String { "\(method) \(path)" }

        public static func < (lhs: Operation, rhs: Operation) -> Bool { lhs.description < rhs.description }
    }

    public struct Report: Sendable {
        /// Routed but missing from the contract.
        public var undocumented: [Operation]
        /// In the contract but not routed.
        public var unrouted: [Operation]
        /// Contract rule violations.
        public var problems: [String]
        /// Every operation of the contract with its tags.
        public var tags: [Operation: [String]]

        public var isClean: Bool { undocumented.isEmpty && unrouted.isEmpty && problems.isEmpty }
    }

    static let methods = ["get", "post", "put", "patch", "delete", "head", "options"]

    public static func operations(inContract yaml: String) throws -> (operations: [Operation: [String]], problems: [String]) {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any] else { return ([:], ["contract is not a YAML mapping"]) }
        var problems: [String] = []
        if (document["openapi"] as? String)?.hasPrefix("3.1") != true { problems.append("openapi must be 3.1.x") }
        let info = document["info"] as? [String: Any]
        if info?["title"] == nil || info?["version"] == nil { problems.append("info.title and info.version are required") }
        let declaredTags = Set(((document["tags"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        let schemes = ((document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]) ?? [:]
        var operationIDs = Set<String>()
        var result: [Operation: [String]] = [:]
        for (path, item) in (document["paths"] as? [String: Any]) ?? [:] {
            guard let item = item as? [String: Any] else { problems.append("\(path): not a mapping"); continue }
            for (key, value) in item where methods.contains(key) {
                let operation = Operation(method: key.uppercased(), path: path)
                guard let body = value as? [String: Any] else { problems.append("\(operation): not a mapping"); continue }
                let tags = body["tags"] as? [String] ?? []
                if tags.isEmpty { problems.append("\(operation): no tag") }
                for tag in tags where !declaredTags.contains(tag) { problems.append("\(operation): tag \(tag) is not declared under tags") }
                if let id = body["operationId"] as? String {
                    if !operationIDs.insert(id).inserted { problems.append("\(operation): duplicate operationId \(id)") }
                } else {
                    problems.append("\(operation): no operationId")
                }
                if (body["summary"] as? String)?.isEmpty != false { problems.append("\(operation): no summary") }
                if let security = body["security"] as? [[String: Any]] {
                    for requirement in security {
                        for name in requirement.keys where schemes[name] == nil {
                            problems.append("\(operation): unknown security scheme \(name)")
                        }
                    }
                } else {
                    problems.append("\(operation): security is not declared")
                }
                if (body["responses"] as? [String: Any])?.isEmpty != false { problems.append("\(operation): no responses") }
                // Path parameters in the template must be declared.
                let templateParameters = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                let declared = Set((((body["parameters"] as? [[String: Any]]) ?? []) + ((item["parameters"] as? [[String: Any]]) ?? []))
                    .filter { ($0["in"] as? String) == "path" || $0["$ref"] != nil }
                    .compactMap { ($0["name"] as? String) ?? ($0["$ref"] as? String).map { String($0.split(separator: "/").last ?? "") } })
                for parameter in templateParameters where !declared.contains(parameter) && !declared.contains(where: { $0.lowercased().hasSuffix(parameter.lowercased()) }) {
                    problems.append("\(operation): path parameter {\(parameter)} is not declared")
                }
                result[operation] = tags
            }
        }
        problems += strayKeys(document, at: "")
        return (result, problems)
    }

    /// Keys ending in a full stop: an unquoted flow-style `description:` containing ", " that YAML split into a
    /// shorter description and a bogus key (no real OpenAPI or property name ends with one).
    static func strayKeys(_ node: Any, at path: String) -> [String] {
        if let mapping = node as? [String: Any] {
            return mapping.sorted { $0.key < $1.key }.flatMap { key, value in
                (key.hasSuffix(".") ? ["\(path)/\(key): stray key (quote the description before it)"] : [])
                    + strayKeys(value, at: "\(path)/\(key)")
            }
        }
        if let list = node as? [Any] {
            return list.enumerated().flatMap { strayKeys($1, at: "\(path)[\($0)]") }
        }
        return []
    }

    public static func check<Context>(router: Router<Context>, contract yaml: String) throws -> Report {
        let (contractOperations, operationProblems) = try operations(inContract: yaml)
        let problems = operationProblems + (try nullabilityProblems(inContract: yaml))
        let routed = Set(router.routes.map { Operation(method: $0.method.rawValue, path: $0.path.description) })
        // A route that takes the rest of the URL (`…/**`, a storage path with its slashes) is documented as one
        // trailing path parameter, the only way OpenAPI can say it.
        let catchAlls = Set(routed.filter { $0.path.hasSuffix("/**") }.map { "\($0.method) \($0.path.dropLast(3))" })
        let documented = Dictionary(uniqueKeysWithValues: contractOperations.map { operation, tags in
            guard operation.path.hasSuffix("}"), let slash = operation.path.lastIndex(of: "/"),
                  catchAlls.contains("\(operation.method) \(operation.path[..<slash])") else { return (operation, tags) }
            return (Operation(method: operation.method, path: String(operation.path[..<slash]) + "/**"), tags)
        })
        return Report(
            undocumented: routed.subtracting(documented.keys).sorted(),
            unrouted: Set(documented.keys).subtracting(routed).sorted(),
            problems: problems.sorted(),
            tags: documented
        )
    }
}
