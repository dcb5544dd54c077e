import Foundation
import Hummingbird
import KisumKernel
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A file or folder in the Nextcloud account, as its WebDAV server describes it (PROPFIND).
public struct NextcloudEntry: ResponseEncodable, Sendable, Equatable {
    public var name: String
    /// Relative to the account's files (what the routes take as `path`).
    public var path: String
    public var isDirectory: Bool
    /// Bytes (`getcontentlength`); null for folders.
    public var size: Int64?
    /// What the server says the file is (`getcontenttype`); downloads are typed by their bytes instead.
    public var contentType: String?
    public var modifiedAt: Date?
    /// Without the quotes the server sends.
    public var etag: String?
}

/// A PROPFIND `207 Multi-Status` body read with Foundation's XMLParser (namespaces processed, so `d:` or any
/// other prefix of `DAV:` works). Only properties of a `propstat` whose status is 200 count. `href`s are
/// mapped to paths relative to `rootPath` (the account's files, e.g. `/remote.php/dav/files/alice/`); an href
/// outside it is skipped.
final class PropfindParser: NSObject, XMLParserDelegate {
    struct Response {
        var href = ""
        var props: [String: String] = [:]
        var isCollection = false
    }

    private(set) var responses: [Response] = []
    private var current: Response?
    private var pendingProps: [String: String] = [:]
    private var pendingCollection = false
    private var propstatOK = false
    private var inPropstat = false
    private var text = ""
    private var depth = 0
    private(set) var failed = false

    static let maxResponses = 10_000

    static func parse(_ data: Data) -> [Response]? {
        let delegate = PropfindParser()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse(), !delegate.failed else { return nil }
        return delegate.responses
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        // Deep nesting has no meaning in a multistatus; it is refused rather than walked.
        if depth > 32 { failed = true; parser.abortParsing(); return }
        text = ""
        guard namespaceURI == "DAV:" else { return }
        switch name {
        case "response": current = Response(); inPropstat = false
        case "propstat": pendingProps = [:]; pendingCollection = false; propstatOK = false; inPropstat = true
        case "collection": pendingCollection = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if text.utf8.count < 8192 { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        guard namespaceURI == "DAV:", current != nil else { return }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch name {
        case "href" where !inPropstat && current?.href.isEmpty == true: current?.href = value
        case "status": propstatOK = value.split(separator: " ").dropFirst().first == "200"
        case "displayname", "getcontentlength", "getcontenttype", "getlastmodified", "getetag": pendingProps[name] = value
        case "propstat":
            inPropstat = false
            if propstatOK {
                current?.props.merge(pendingProps) { first, _ in first }
                if pendingCollection { current?.isCollection = true }
            }
        case "response":
            if let done = current, responses.count < Self.maxResponses { responses.append(done) }
            current = nil
        default: break
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { failed = true }

    /// Entries under `rootPath`, keyed by path relative to it (`""` for the root itself).
    static func entries(_ responses: [Response], rootPath: String) -> [NextcloudEntry] {
        let root = rootPath.removingPercentEncoding ?? rootPath
        return responses.compactMap { response in
            let hrefPath = URLComponents(string: response.href)?.percentEncodedPath ?? response.href
            guard let decoded = hrefPath.removingPercentEncoding, decoded.hasPrefix(root) else { return nil }
            var relative = String(decoded.dropFirst(root.count))
            while relative.hasSuffix("/") { relative.removeLast() }
            let props = response.props
            return NextcloudEntry(
                name: relative.split(separator: "/").last.map(String.init) ?? "",
                path: relative, isDirectory: response.isCollection,
                size: response.isCollection ? nil : props["getcontentlength"].flatMap { Int64($0) },
                contentType: props["getcontenttype"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) },
                modifiedAt: props["getlastmodified"].flatMap(httpDate),
                etag: props["getetag"].flatMap { $0.isEmpty ? nil : String($0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).prefix(200)) })
        }
    }

    /// RFC 1123 dates (`Sun, 06 Dec 2026 05:23:16 GMT`), as WebDAV's getlastmodified is.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
