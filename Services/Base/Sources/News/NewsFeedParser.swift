import Foundation
import KisumKernel
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One item of a feed, cleaned for storage: plain text, http(s) links only, bounded lengths.
public struct ParsedNewsItem: Sendable, Equatable {
    /// What makes the item the same item on the next fetch: its guid (RSS) or id (Atom), else its link, else its
    /// title and date. Hashed (SHA-256) by the database.
    public var key: String
    public var title: String
    public var link: String?
    public var summary: String?
    public var author: String?
    public var publishedAt: Date?
}

public struct ParsedNewsFeed: Sendable, Equatable {
    public var title: String?
    public var items: [ParsedNewsItem]
}

public struct NewsFeedParseError: Error, CustomStringConvertible {
    public var description: String
}

/// RSS 2.0 (and 0.9x/1.0 `item`s) and Atom `entry`s, read with Foundation's `XMLParser` (libxml2; FoundationXML on
/// Linux, as the ECB rates importer). External entities are never resolved and a document declaring entities is
/// refused (no expansion bombs); the fetch already bounded its size.
public enum NewsFeedParser {
    public static let maxItems = 200
    static let maxTitle = 500
    static let maxSummary = 5000
    static let maxAuthor = 200
    static let maxLink = 2000

    public static func parse(_ data: [UInt8], now: Date = Date()) throws -> ParsedNewsFeed {
        if containsEntityDeclaration(data) { throw NewsFeedParseError(description: "the feed declares XML entities") }
        let parser = XMLParser(data: Data(data))
        let reader = FeedReader()
        parser.delegate = reader
        parser.shouldResolveExternalEntities = false
        if !parser.parse() || reader.depth != 0 {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "an element is not closed"
            throw NewsFeedParseError(description: "not well-formed XML near line \(parser.lineNumber): \(reason)")
        }
        guard reader.sawFeed else { throw NewsFeedParseError(description: "neither an RSS nor an Atom feed") }
        let items = reader.items.prefix(maxItems).compactMap { clean($0, now: now) }
        return ParsedNewsFeed(title: reader.feedTitle.flatMap { bounded(plain($0), maxAuthor) }, items: items)
    }

    static func containsEntityDeclaration(_ data: [UInt8]) -> Bool {
        let needle = Array("<!ENTITY".utf8)
        guard data.count >= needle.count else { return false }
        for start in 0...(data.count - needle.count) where data[start] == 0x3C {
            if zip(data[start..<(start + needle.count)], needle).allSatisfy({ $0 == $1 || $0 == $1 + 0x20 }) { return true }
        }
        return false
    }

    static func clean(_ raw: FeedReader.RawItem, now: Date) -> ParsedNewsItem? {
        let link = raw.link.flatMap(httpLink)
        let summary = raw.summary.flatMap { bounded(plain($0), maxSummary) }
        guard let title = raw.title.flatMap({ bounded(plain($0), maxTitle) }) ?? summary.flatMap({ bounded($0, 120) }) ?? link else {
            return nil
        }
        // A date in the future would hold the top of the feed: such items count from when they were fetched.
        let published = raw.date.flatMap(date).flatMap { $0 <= now.addingTimeInterval(86_400) ? $0 : nil }
        let id = raw.id.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        let key = id.map { "id:" + $0 } ?? link.map { "link:" + $0 } ?? "title:\(title)|\(raw.date ?? "")"
        return ParsedNewsItem(key: String(key.unicodeScalars.prefix(4000)), title: title, link: link, summary: summary,
                              author: raw.author.flatMap { bounded(plain($0), maxAuthor) }, publishedAt: published)
    }

    /// Text without markup: tags dropped, the common entities of HTML descriptions decoded, whitespace collapsed.
    static func plain(_ text: String) -> String {
        var out = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true; out.append(" "); continue }
            if character == ">" && inTag { inTag = false; continue }
            if !inTag { out.append(character) }
        }
        for (entity, value) in [("&nbsp;", " "), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: value)
        }
        return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// nil when empty; cut to `max` code points (the database's `length`).
    static func bounded(_ text: String, _ max: Int) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: trimmed.unicodeScalars.prefix(max))
        return String(scalars)
    }

    /// Only absolute http(s) links are kept: a feed's `javascript:` link must never reach a page.
    static func httpLink(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= maxLink, let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil else { return nil }
        return trimmed
    }

    static let rfc822Formats = ["EEE, dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm:ss zzz", "EEE, dd MMM yyyy HH:mm Z",
                                "EEE, dd MMM yyyy HH:mm zzz", "dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm:ss zzz"]

    /// RFC 3339 (Atom, Dublin Core) or RFC 822 (RSS), years 1900–2199.
    static func date(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var parsed: Date?
        if let first = trimmed.first, first.isNumber, trimmed.contains("T") || trimmed.contains("-") {
            let formatter = ISO8601DateFormatter()
            for options in [ISO8601DateFormatter.Options.withInternetDateTime, [.withInternetDateTime, .withFractionalSeconds]] where parsed == nil {
                formatter.formatOptions = options
                parsed = formatter.date(from: trimmed)
            }
        }
        if parsed == nil {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            for format in rfc822Formats where parsed == nil {
                formatter.dateFormat = format
                parsed = formatter.date(from: trimmed)
            }
        }
        guard let parsed, parsed.timeIntervalSince1970 > -2_208_988_800, parsed.timeIntervalSince1970 < 7_258_118_400 else { return nil }
        return parsed
    }

    /// Collects the feed's title and its items' fields. Used on one thread, by one parse.
    final class FeedReader: NSObject, XMLParserDelegate {
        struct RawItem {
            var id: String?
            var title: String?
            var link: String?
            var summary: String?
            var author: String?
            var date: String?
        }

        var items: [RawItem] = []
        var feedTitle: String?
        var sawFeed = false
        var depth = 0
        private var item: RawItem?
        private var itemDepth = 0
        /// The element whose text is being collected, and the text so far.
        private var field: String?
        private var fieldDepth = 0
        private var text = ""
        private var inAuthor = false

        static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init)?.lowercased() ?? name.lowercased() }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            let name = Self.local(elementName)
            if depth == 1 { sawFeed = ["rss", "feed", "rdf"].contains(name) }
            if item == nil, name == "item" || name == "entry" {
                item = RawItem()
                itemDepth = depth
                return
            }
            if item != nil {
                if name == "author" { inAuthor = true }
                // Atom links are attributes; the alternate (or first) one is the item's page.
                if name == "link", let href = attributes["href"] {
                    let rel = attributes["rel"] ?? "alternate"
                    if rel == "alternate" || item?.link == nil { item?.link = href }
                    return
                }
                if field == nil, depth == itemDepth + 1 || (inAuthor && name == "name") {
                    field = name
                    fieldDepth = depth
                    text = ""
                }
            } else if field == nil, name == "title", feedTitle == nil, depth <= 3 {
                field = name
                fieldDepth = depth
                text = ""
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if field != nil, text.utf8.count < 65_536 { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            if field != nil, text.utf8.count < 65_536 { text += String(decoding: CDATABlock, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            defer { depth -= 1 }
            let name = Self.local(elementName)
            if let current = field, depth == fieldDepth {
                field = nil
                if item != nil { store(current, text) } else if current == "title" { feedTitle = text }
            }
            if name == "author" { inAuthor = false }
            if depth == itemDepth, let finished = item {
                items.append(finished)
                item = nil
            }
        }

        private func store(_ name: String, _ value: String) {
            guard var current = item else { return }
            switch name {
            case "guid", "id": current.id = current.id ?? value
            case "title": current.title = current.title ?? value
            case "link": current.link = current.link ?? value
            case "description", "summary": current.summary = current.summary ?? value
            case "content", "encoded": if current.summary == nil { current.summary = value }
            case "author", "creator", "name": current.author = current.author ?? value
            case "pubdate", "published", "date", "updated", "issued": current.date = current.date ?? value
            default: break
            }
            item = current
        }
    }
}
