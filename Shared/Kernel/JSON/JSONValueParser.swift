/// Parses JSON text straight into a `JSONValue`. `JSONValue`'s `Decodable` conformance has to probe each
/// value by trying Bool, Double, String, array and object in turn (every failed try builds an error), which
/// made reading a row with jsonb columns one of the costliest steps of a tenant read; the database hands us
/// text it has already validated, so one pass over its bytes is enough. Strict RFC 8259 nonetheless
/// (it must never trap on any input): nesting is bounded, and anything malformed throws.
public enum JSONValueParser {
    public struct Malformed: Error, Equatable {
        public let offset: Int
    }

    /// Deeper documents are refused rather than recursed into.
    public static let maxDepth = 512

    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse($0) }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.at == bytes.count else { throw Malformed(offset: reader.at) }
        return value
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { at < bytes.count ? bytes[at] : nil }

        func fail() -> Malformed { Malformed(offset: at) }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { at += 1 }
        }

        mutating func expect(_ literal: StaticString) throws {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - at >= count else { throw fail() }
            let matches = literal.withUTF8Buffer { word in
                (0..<count).allSatisfy { bytes[at + $0] == word[$0] }
            }
            guard matches else { throw fail() }
            at += count
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < JSONValueParser.maxDepth, let byte = current else { throw fail() }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            at += 1
            var members: [String: JSONValue] = [:]
            skipSpace()
            if current == UInt8(ascii: "}") { at += 1; return .object(members) }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw fail() }
                let key = try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw fail() }
                at += 1
                skipSpace()
                members[key] = try value(depth: depth + 1)
                skipSpace()
                switch current {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "}"): at += 1; return .object(members)
                default: throw fail()
                }
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            at += 1
            var items: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") { at += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "]"): at += 1; return .array(items)
                default: throw fail()
                }
            }
        }

        mutating func string() throws -> String {
            at += 1
            let start = at
            // Fast path: no escapes, so the bytes are the string (UTF-8 validated by String(validating:)).
            while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { throw fail() }
                at += 1
            }
            guard let stop = current else { throw fail() }
            if stop == UInt8(ascii: "\"") {
                let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
                at += 1
                guard let text else { throw fail() }
                return text
            }
            var out = Array(bytes[start..<at])
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    at += 1
                    guard let text = String(validating: out, as: UTF8.self) else { throw fail() }
                    return text
                case UInt8(ascii: "\\"):
                    at += 1
                    try escape(into: &out)
                case 0..<0x20:
                    throw fail()
                default:
                    out.append(byte)
                    at += 1
                }
            }
            throw fail()
        }

        mutating func escape(into out: inout [UInt8]) throws {
            guard let byte = current else { throw fail() }
            at += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    try expect("\\u")
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail() }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: throw fail()
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - at >= 4 else { throw fail() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail()
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        /// RFC 8259's number grammar, then Swift's own Double parsing of exactly those bytes.
        mutating func number() throws -> Double {
            let start = at
            if current == UInt8(ascii: "-") { at += 1 }
            guard let first = current, isDigit(first) else { throw fail() }
            at += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if current == UInt8(ascii: ".") {
                at += 1
                guard let byte = current, isDigit(byte) else { throw fail() }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                at += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { at += 1 }
                guard let byte = current, isDigit(byte) else { throw fail() }
                skipDigits()
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { throw fail() }
            return value
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func skipDigits() {
            while let byte = current, isDigit(byte) { at += 1 }
        }
    }
}
