import Foundation

/// A PATCH field that tells an absent key (leave the column alone) from `null` (clear it) from a
/// value. Plain optionals cannot: `decodeIfPresent` turns both absent and null into nil.
public enum Patch<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// The new value, or nil when absent or cleared (the argument of `COALESCE`).
    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// True when the request sets the field to null (the `CASE WHEN … THEN NULL` flag).
    public var clears: Bool {
        if case .null = self { return true }
        return false
    }

    public var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }
}

extension Patch: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .value(try container.decode(Value.self))
    }
}

extension Patch: Equatable where Value: Equatable {}

extension KeyedDecodingContainer {
    /// Picked by synthesized `init(from:)` for `Patch` properties, so a missing key is `.absent`
    /// rather than a "key not found" error.
    public func decode<Value>(_ type: Patch<Value>.Type, forKey key: Key) throws -> Patch<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }
}
