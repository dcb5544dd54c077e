import Foundation
import Synchronization

/// Writes a `JSONTree` as RFC 8259 text: object keys sorted (stable output for tests, caches and
/// signatures), strings escaped only where JSON requires it.
enum JSONTextWriter {
    static func write(_ tree: JSONTree, into out: inout [UInt8]) {
        switch tree {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let digits): out.append(contentsOf: digits.utf8)
        case .double(let value): out.append(contentsOf: number(value).utf8)
        case .string(let text): string(text, into: &out)
        case .array(let box):
            out.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let box):
            out.append(UInt8(ascii: "{"))
            // Sorted by key, equal keys in encoding order; the last of equal keys wins (as a dictionary's
            // overwrite did).
            let members = box.members.enumerated().sorted { a, b in
                a.element.key == b.element.key ? a.offset < b.offset : a.element.key < b.element.key
            }.map(\.element)
            var first = true
            for (index, member) in members.enumerated() {
                if index + 1 < members.count, members[index + 1].key == member.key { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                string(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .deferred(let encoder):
            write(encoder.value ?? .object(JSONObjectBox()), into: &out)
        }
    }

    /// Whole numbers without a fraction ("3", as Foundation writes them); others in Swift's shortest
    /// round-tripping form ("72.5", "1e+16").
    static func number(_ value: Double) -> String {
        // Whole numbers up to 2^53 (every integer a Double holds exactly, amounts up to 10^15 included) are
        // written as integers: a decoder reading Int64 refuses `1e+15`.
        if value.rounded() == value, value.magnitude <= 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return value.description
    }

    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (ids, names, dates) need no escaping: copy them in one go.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Foundation's `convertToSnakeCase` rule, so Platform Core's keys stay what they were: words split
/// at upper-case letters, an upper-case run kept as one word ("userID" → "user_id", "myURLValue" →
/// "my_url_value"), lower-cased and joined with "_". Results are cached: keys are a small fixed set.
enum SnakeCase {
    private static let cache = Mutex<[String: String]>([:])

    static func convert(_ key: String) -> String {
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let converted = compute(key)
        cache.withLock { if $0.count < 10_000 { $0[key] = converted } }
        return converted
    }

    static func compute(_ key: String) -> String {
        guard !key.isEmpty else { return key }
        var words: [Range<String.Index>] = []
        var wordStart = key.startIndex
        var searchRange = key.index(after: wordStart)..<key.endIndex
        while let upper = key.rangeOfCharacter(from: .uppercaseLetters, options: [], range: searchRange) {
            words.append(wordStart..<upper.lowerBound)
            searchRange = upper.lowerBound..<searchRange.upperBound
            guard let lower = key.rangeOfCharacter(from: .lowercaseLetters, options: [], range: searchRange) else {
                wordStart = searchRange.lowerBound
                break
            }
            let afterCapital = key.index(after: upper.lowerBound)
            if lower.lowerBound == afterCapital {
                wordStart = upper.lowerBound
            } else {
                let beforeLower = key.index(before: lower.lowerBound)
                words.append(upper.lowerBound..<beforeLower)
                wordStart = beforeLower
            }
            searchRange = lower.upperBound..<searchRange.upperBound
        }
        words.append(wordStart..<searchRange.upperBound)
        return words.map { key[$0].lowercased() }.joined(separator: "_")
    }
}
