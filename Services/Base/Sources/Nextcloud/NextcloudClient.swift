import Foundation
import HTTPTypes
import KisumKernel
import KisumServiceClient

/// A WebDAV client for one Nextcloud account over libcurl: PROPFIND (list, stat), GET (download) and PUT
/// (upload) under `<url>/remote.php/dav/files/<user>/`, with the app password as basic auth.
/// Answers become API errors here: 404 → 404; 401/403 → 502 `nextcloud_rejected` (our credentials, not the
/// caller's); 409 → 409 `nextcloud_conflict` (the parent folder is missing); a timeout → 503 `nextcloud_timeout`;
/// anything else → 503 `nextcloud_unavailable` or, for a body we cannot read, 502 `nextcloud_invalid_response`.
struct NextcloudClient: Sendable {
    let settings: NextcloudSettings
    /// The account's files as a percent-encoded path, ending in `/`.
    let rootPath: String
    let origin: String

    init(settings: NextcloudSettings) {
        self.settings = settings
        var base = settings.url
        while base.hasSuffix("/") { base.removeLast() }
        let user = settings.user.addingPercentEncoding(withAllowedCharacters: NextcloudPath.unreserved) ?? ""
        let basePath = URLComponents(string: base)?.percentEncodedPath ?? ""
        rootPath = "\(basePath)/remote.php/dav/files/\(user)/"
        origin = String(base.dropLast(basePath.count))
    }

    static let propfindBody = Array("""
        <?xml version="1.0" encoding="utf-8"?>
        <d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:getcontentlength/><d:getcontenttype/><d:getlastmodified/><d:getetag/><d:resourcetype/></d:prop></d:propfind>
        """.utf8)

    /// A folder's entries (Depth 1), the folder itself left out.
    func list(_ path: NextcloudPath) async throws -> [NextcloudEntry] {
        let entries = try await propfind(path, depth: "1", asFolder: true)
        return entries.filter { $0.path != path.text }
    }

    /// One entry (Depth 0).
    func stat(_ path: NextcloudPath) async throws -> NextcloudEntry {
        guard let entry = try await propfind(path, depth: "0", asFolder: false).first(where: { $0.path == path.text }) else {
            throw APIError.notFound("Nextcloud path")
        }
        return entry
    }

    /// The file's bytes, at most `maxBytes` (more → 422 `file_too_large` on `path`).
    func download(_ path: NextcloudPath, maxBytes: Int) async throws -> Data {
        var request = makeRequest("GET", path, asFolder: false)
        request.maxResponseBytes = maxBytes
        let response: OutboundResponse
        do {
            response = try await send(request)
        } catch is ResponseTooLargeError {
            throw APIError.validation(field: "path", code: "file_too_large", message: "The file is larger than \(maxBytes / 1024) KiB.")
        }
        try check(response, ok: [200])
        return Data(response.body)
    }

    /// Creates or replaces the file. The folder must exist (409 `nextcloud_conflict` otherwise): asked first, because
    /// WebDAV servers differ in what a PUT into a missing folder answers (Nextcloud 409, nginx 500).
    func upload(_ path: NextcloudPath, bytes: Data, contentType: String) async throws {
        if let parent = path.parent {
            let folder: NextcloudEntry
            do {
                folder = try await stat(parent)
            } catch let error as APIError where error.status == .notFound {
                throw Self.missingFolder
            }
            guard folder.isDirectory else { throw Self.missingFolder }
        }
        var request = makeRequest("PUT", path, asFolder: false)
        request.headers.append((name: "Content-Type", value: contentType))
        request.body = [UInt8](bytes)
        try check(try await send(request), ok: [200, 201, 204])
    }

    func propfind(_ path: NextcloudPath, depth: String, asFolder: Bool) async throws -> [NextcloudEntry] {
        var request = makeRequest("PROPFIND", path, asFolder: asFolder)
        request.headers += [(name: "Depth", value: depth), (name: "Content-Type", value: "application/xml; charset=utf-8")]
        request.body = Self.propfindBody
        // A listing is metadata; 16 MiB is tens of thousands of entries.
        request.maxResponseBytes = 16 << 20
        let response: OutboundResponse
        do {
            response = try await send(request)
        } catch is ResponseTooLargeError {
            throw Self.invalidResponse("The folder listing is too large.")
        }
        try check(response, ok: [207])
        guard let responses = PropfindParser.parse(Data(response.body)) else { throw Self.invalidResponse("The listing is not a WebDAV multistatus.") }
        return PropfindParser.entries(responses, rootPath: rootPath)
    }

    func makeRequest(_ method: String, _ path: NextcloudPath, asFolder: Bool) -> OutboundRequest {
        let suffix = path.isRoot ? "" : path.encoded + (asFolder ? "/" : "")
        let credentials = Data("\(settings.user):\(settings.appPassword)".utf8).base64EncodedString()
        return OutboundRequest(method: method, url: origin + rootPath + suffix, headers: [(name: "Authorization", value: "Basic \(credentials)")],
                               timeout: settings.timeout)
    }

    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        do {
            return try await settings.transport.send(request)
        } catch ServiceClientError.timeout {
            throw APIError.unavailable("nextcloud_timeout", "Nextcloud did not answer in time.")
        } catch is ServiceClientError {
            throw APIError.unavailable("nextcloud_unavailable", "Nextcloud could not be reached.")
        }
    }

    func check(_ response: OutboundResponse, ok: Set<Int>) throws {
        if ok.contains(response.status) { return }
        switch response.status {
        case 404: throw APIError.notFound("Nextcloud path")
        case 401, 403:
            throw APIError(.badGateway, code: "nextcloud_rejected", message: "Nextcloud refused the configured account (\(response.status)).")
        case 409: throw Self.missingFolder
        default: throw APIError.unavailable("nextcloud_unavailable", "Nextcloud answered \(response.status).")
        }
    }

    static let missingFolder = APIError.conflict("nextcloud_conflict", "The folder to put the file in does not exist in Nextcloud.")

    static func invalidResponse(_ message: String) -> APIError {
        APIError(.badGateway, code: "nextcloud_invalid_response", message: message)
    }
}
