import Foundation

/// What a scrape keeps from a page.
struct PageFacts: Sendable, Equatable {
    struct Link: Sendable, Equatable {
        var url: String
        var text: String
    }

    var title: String?
    var description: String?
    var siteName: String?
    var links: [Link] = []
}

/// A bounded, single-pass HTML scanner for the few things a scrape needs: `<title>`, `<meta name=description>` /
/// `og:description` / `og:title` / `og:site_name`, and `<a href>` links. It is not an HTML parser (the build has no
/// kept one: libxml2 is not installed by `install-deps.sh`); it walks the bytes once, skips comments, `<script>` and
/// `<style>` bodies, and caps every output (title and description length, link count, link text), so any input —
/// truncated, binary, hostile — costs O(n) and yields at worst empty fields.
enum HTMLExtractor {
    static let maxLinks = 100
    static let maxTextScalars = 500
    static let maxLinkTextBytes = 2000
    static let maxAttributes = 40

    static func extract(_ bytes: [UInt8], baseURL: URL?) -> PageFacts {
        var facts = PageFacts()
        var meta: [String: String] = [:]
        var title: [UInt8]?
        var inTitle = false
        var link: (href: String, text: [UInt8])?
        var seen = Set<String>()
        let n = bytes.count
        var i = 0

        func finishLink() {
            guard let open = link else { return }
            link = nil
            guard facts.links.count < maxLinks, let url = resolve(open.href, against: baseURL), seen.insert(url).inserted else { return }
            facts.links.append(.init(url: url, text: clean(open.text, limit: 200) ?? ""))
        }

        while i < n {
            let byte = bytes[i]
            if byte != UInt8(ascii: "<") {
                if inTitle, (title?.count ?? 0) < maxLinkTextBytes { title?.append(byte) }
                if link != nil, (link?.text.count ?? 0) < maxLinkTextBytes { link?.text.append(byte) }
                i += 1
                continue
            }
            if starts(bytes, at: i, with: "<!--") {
                i = find(bytes, "-->", from: i + 4).map { $0 + 3 } ?? n
                continue
            }
            var j = i + 1
            var closing = false
            if j < n, bytes[j] == UInt8(ascii: "/") { closing = true; j += 1 }
            let nameStart = j
            while j < n, isNameByte(bytes[j]) { j += 1 }
            guard j > nameStart else {
                // A lone "<" (or "<!DOCTYPE", "<?xml"): text, or a declaration skipped to its ">".
                if j < n, bytes[j] == UInt8(ascii: "!") || bytes[j] == UInt8(ascii: "?") {
                    i = find(bytes, ">", from: j).map { $0 + 1 } ?? n
                } else {
                    i += 1
                }
                continue
            }
            let name = String(decoding: bytes[nameStart..<j].map(lower), as: UTF8.self)
            var attributes: [String: String] = [:]
            j = readAttributes(bytes, from: j, into: &attributes)
            i = j
            switch (name, closing) {
            case ("script", false), ("style", false):
                i = findInsensitive(bytes, "</\(name)", from: i) ?? n
            case ("title", false) where title == nil:
                title = []
                inTitle = true
            case ("title", true):
                inTitle = false
            case ("meta", false):
                let key = (attributes["name"] ?? attributes["property"])?.lowercased()
                if let key, let content = attributes["content"], meta[key] == nil { meta[key] = content }
            case ("a", false):
                finishLink()
                if let href = attributes["href"] { link = (href, []) }
            case ("a", true):
                finishLink()
            default:
                break
            }
        }
        finishLink()
        facts.title = title.flatMap { clean($0, limit: 300) } ?? meta["og:title"].flatMap { clean(Array($0.utf8), limit: 300) }
        facts.description = (meta["description"] ?? meta["og:description"] ?? meta["twitter:description"])
            .flatMap { clean(Array($0.utf8), limit: maxTextScalars) }
        facts.siteName = meta["og:site_name"].flatMap { clean(Array($0.utf8), limit: 200) }
        return facts
    }

    /// Reads `name=value` pairs up to the tag's `>`; returns the index after it. Names are lower-cased, values
    /// entity-decoded; the first of a repeated name wins, and at most `maxAttributes` are kept.
    static func readAttributes(_ bytes: [UInt8], from start: Int, into attributes: inout [String: String]) -> Int {
        let n = bytes.count
        var j = start
        while j < n {
            let byte = bytes[j]
            if byte == UInt8(ascii: ">") { return j + 1 }
            if isSpace(byte) || byte == UInt8(ascii: "/") { j += 1; continue }
            let nameStart = j
            while j < n, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: "="), bytes[j] != UInt8(ascii: ">"), bytes[j] != UInt8(ascii: "/") { j += 1 }
            let name = String(decoding: bytes[nameStart..<j].map(lower), as: UTF8.self)
            while j < n, isSpace(bytes[j]) { j += 1 }
            var value = ""
            if j < n, bytes[j] == UInt8(ascii: "=") {
                j += 1
                while j < n, isSpace(bytes[j]) { j += 1 }
                if j < n, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") {
                    let quote = bytes[j]
                    let valueStart = j + 1
                    j = valueStart
                    while j < n, bytes[j] != quote { j += 1 }
                    value = decodeEntities(String(decoding: bytes[valueStart..<j], as: UTF8.self))
                    if j < n { j += 1 }
                } else {
                    let valueStart = j
                    while j < n, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">") { j += 1 }
                    value = decodeEntities(String(decoding: bytes[valueStart..<j], as: UTF8.self))
                }
            }
            if !name.isEmpty, attributes.count < maxAttributes, attributes[name] == nil { attributes[name] = value }
            if j == nameStart { j += 1 }  // never stand still
        }
        return n
    }

    /// An absolute http(s) URL for `href`, without its fragment; nil for other schemes (mailto:, javascript:) or junk.
    static func resolve(_ href: String, against base: URL?) -> String? {
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 2048, !trimmed.hasPrefix("#"),
              let url = URL(string: trimmed, relativeTo: base)?.absoluteURL,
              ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil,
              var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        components.fragment = nil
        guard let text = components.string, text.utf8.count <= 2048 else { return nil }
        return text
    }

    /// Entity-decoded, whitespace collapsed, at most `limit` code points; nil when nothing is left.
    static func clean(_ bytes: [UInt8], limit: Int) -> String? {
        // Control characters (NUL above all: PostgreSQL's jsonb refuses \u0000) become spaces before collapsing.
        var text = String.UnicodeScalarView()
        for scalar in decodeEntities(String(decoding: bytes, as: UTF8.self)).unicodeScalars {
            text.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
        }
        let collapsed = String(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !collapsed.isEmpty else { return nil }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: collapsed.unicodeScalars.prefix(limit))
        return String(scalars)
    }

    static let namedEntities: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
                                                  "#39": "'", "ndash": "–", "mdash": "—", "hellip": "…", "copy": "©", "reg": "®"]

    /// `&name;`, `&#NNN;` and `&#xHH;` (an entity is at most 10 characters; anything else stays as written).
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semi = after.prefix(10).firstIndex(of: ";") else {
                out += "&"
                rest = after
                continue
            }
            let name = String(after[..<semi])
            if let named = namedEntities[name.lowercased()] {
                out += named
            } else if name.hasPrefix("#"), let scalar = numericScalar(name.dropFirst()) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "&" + name + ";"
            }
            rest = after[after.index(after: semi)...]
        }
        out += rest
        return out
    }

    static func numericScalar(_ digits: Substring) -> Unicode.Scalar? {
        let value: UInt32? = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, value != 0 else { return nil }
        return Unicode.Scalar(value)
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-")
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }

    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }

    static func starts(_ bytes: [UInt8], at index: Int, with text: String) -> Bool {
        let needle = Array(text.utf8)
        guard index >= 0, index <= bytes.count - needle.count else { return false }
        return bytes[index..<(index + needle.count)].elementsEqual(needle)
    }

    static func find(_ bytes: [UInt8], _ text: String, from start: Int) -> Int? {
        let needle = Array(text.utf8)
        guard let first = needle.first, start >= 0 else { return nil }
        var k = start
        while k <= bytes.count - needle.count {
            if bytes[k] == first, bytes[k..<(k + needle.count)].elementsEqual(needle) { return k }
            k += 1
        }
        return nil
    }

    /// `find` ignoring ASCII case (the needle is given in lower case).
    static func findInsensitive(_ bytes: [UInt8], _ text: String, from start: Int) -> Int? {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, start >= 0 else { return nil }
        var k = start
        while k <= bytes.count - needle.count {
            if bytes[k..<(k + needle.count)].lazy.map(lower).elementsEqual(needle) { return k }
            k += 1
        }
        return nil
    }
}
