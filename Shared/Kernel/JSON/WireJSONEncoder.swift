import Foundation

/// The JSON encoder of every service's wire: UUIDs in lower case (RFC 9562's form, as PostgreSQL and
/// JavaScript clients write them; Foundation's encoder writes `uuidString`, upper case, and offers no
/// hook for it), RFC 3339 dates, sorted keys, camelCase or snake_case keys. Dictionary keys are free-form
/// data and are never converted, as with Foundation.
///
/// It builds a small tree from the value's `Encodable` conformance and writes it out; UTF-8 passes
/// through unescaped, `/` is not escaped, and a non-finite number is an `EncodingError`.
public struct WireJSONEncoder: Sendable {
    public enum KeyStyle: Sendable {
        case asIs
        case snakeCase
    }

    public let keys: KeyStyle

    public init(keys: KeyStyle = .asIs) {
        self.keys = keys
    }

    public func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(try encodeBytes(value))
    }

    public func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        let tree = try JSONTreeEncoder(keys: keys, codingPath: []).box(value)
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONTextWriter.write(tree, into: &out)
        return out
    }
}

/// A value being encoded. Containers are references so nested containers can fill them after they
/// were handed to their parent; that is also why the enum needs no `indirect` (which would put every
/// string and number of a response in a heap box of its own).
enum JSONTree {
    case null
    case bool(Bool)
    case integer(String)
    case double(Double)
    case string(String)
    case array(JSONArrayBox)
    case object(JSONObjectBox)
    /// A `superEncoder`'s value, read when the tree is written.
    case deferred(JSONTreeEncoder)
}

final class JSONArrayBox {
    var items: [JSONTree] = []
}

/// Members in the order they were encoded; the writer sorts them (and a key encoded twice keeps its
/// last value, as with a dictionary). An array is cheaper than hashing every key of every object.
final class JSONObjectBox {
    var members: [(key: String, value: JSONTree)] = []
}

final class JSONTreeEncoder: Encoder {
    let keys: WireJSONEncoder.KeyStyle
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var value: JSONTree?

    init(keys: WireJSONEncoder.KeyStyle, codingPath: [any CodingKey]) {
        self.keys = keys
        self.codingPath = codingPath
    }

    /// The tree of `value`, with the wire's special cases; a type that encodes nothing is `{}`. The
    /// coding path is built only for values that encode themselves (an array per field otherwise).
    func box<T: Encodable>(_ value: T, at path: @autoclosure () -> [any CodingKey]? = nil) throws -> JSONTree {
        switch value {
        case let uuid as UUID: return .string(uuid.uuidString.lowercased())
        case let date as Date: return .string(RFC3339.string(from: date))
        case let url as URL: return .string(url.absoluteString)
        case let data as Data: return .string(data.base64EncodedString())
        case let decimal as Decimal: return .integer(decimal.description)
        case let dictionary as [String: any Encodable]:
            let object = JSONObjectBox()
            let base = path() ?? codingPath
            object.members.reserveCapacity(dictionary.count)
            for (key, element) in dictionary {
                object.members.append((key, try box(element, at: base + [WireCodingKey(key)])))
            }
            return .object(object)
        default:
            let encoder = JSONTreeEncoder(keys: keys, codingPath: path() ?? codingPath)
            try value.encode(to: encoder)
            return encoder.value ?? .object(JSONObjectBox())
        }
    }

    func key(_ key: some CodingKey) -> String {
        keys == .snakeCase ? SnakeCase.convert(key.stringValue) : key.stringValue
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: JSONObjectBox
        if case .object(let existing) = value {
            object = existing
        } else {
            object = JSONObjectBox()
            value = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: JSONArrayBox
        if case .array(let existing) = value {
            array = existing
        } else {
            array = JSONArrayBox()
            value = .array(array)
        }
        return UnkeyedContainer(encoder: self, array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    static func number<T: BinaryFloatingPoint>(_ value: T, at path: [any CodingKey]) throws -> JSONTree {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "\(value) is not a JSON number."))
        }
        return .double(Double(value))
    }
}

struct WireCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONTreeEncoder
    let object: JSONObjectBox
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ tree: JSONTree, _ key: Key) { object.members.append((encoder.key(key), tree)) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try JSONTreeEncoder.number(value, at: codingPath + [key]), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(try JSONTreeEncoder.number(value, at: codingPath + [key]), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.integer(String(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try encoder.box(value, at: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONTreeEncoder(keys: encoder.keys, codingPath: codingPath + [key])
        let container = nested.container(keyedBy: keyType)
        set(nested.value ?? .null, key)
        return container
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONTreeEncoder(keys: encoder.keys, codingPath: codingPath + [key])
        let container = nested.unkeyedContainer()
        set(nested.value ?? .null, key)
        return container
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: WireCodingKey("super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: some CodingKey) -> any Encoder {
        let nested = JSONTreeEncoder(keys: encoder.keys, codingPath: codingPath + [key])
        object.members.append((encoder.key(key), .deferred(nested)))
        return nested
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONTreeEncoder
    let array: JSONArrayBox
    let codingPath: [any CodingKey]
    var count: Int { array.items.count }

    private var nextPath: [any CodingKey] { codingPath + [WireCodingKey(intValue: array.items.count) ?? WireCodingKey("")] }

    mutating func encodeNil() throws { array.items.append(.null) }
    mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
    mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { array.items.append(try JSONTreeEncoder.number(value, at: nextPath)) }
    mutating func encode(_ value: Float) throws { array.items.append(try JSONTreeEncoder.number(value, at: nextPath)) }
    mutating func encode(_ value: Int) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: Int8) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: Int16) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: Int32) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: Int64) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: UInt) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: UInt8) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: UInt16) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: UInt32) throws { array.items.append(.integer(String(value))) }
    mutating func encode(_ value: UInt64) throws { array.items.append(.integer(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { array.items.append(try encoder.box(value, at: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONTreeEncoder(keys: encoder.keys, codingPath: nextPath)
        let container = nested.container(keyedBy: keyType)
        array.items.append(nested.value ?? .null)
        return container
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONTreeEncoder(keys: encoder.keys, codingPath: nextPath)
        let container = nested.unkeyedContainer()
        array.items.append(nested.value ?? .null)
        return container
    }

    mutating func superEncoder() -> any Encoder {
        let nested = JSONTreeEncoder(keys: encoder.keys, codingPath: nextPath)
        array.items.append(.deferred(nested))
        return nested
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: JSONTreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func set(_ tree: JSONTree) { encoder.value = tree }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try JSONTreeEncoder.number(value, at: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try JSONTreeEncoder.number(value, at: codingPath)) }
    mutating func encode(_ value: Int) throws { set(.integer(String(value))) }
    mutating func encode(_ value: Int8) throws { set(.integer(String(value))) }
    mutating func encode(_ value: Int16) throws { set(.integer(String(value))) }
    mutating func encode(_ value: Int32) throws { set(.integer(String(value))) }
    mutating func encode(_ value: Int64) throws { set(.integer(String(value))) }
    mutating func encode(_ value: UInt) throws { set(.integer(String(value))) }
    mutating func encode(_ value: UInt8) throws { set(.integer(String(value))) }
    mutating func encode(_ value: UInt16) throws { set(.integer(String(value))) }
    mutating func encode(_ value: UInt32) throws { set(.integer(String(value))) }
    mutating func encode(_ value: UInt64) throws { set(.integer(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try encoder.box(value)) }
}
