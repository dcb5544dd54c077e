import Crypto
import Foundation
import Hummingbird
import KisumKernel
import KisumStorage
import NIOCore

/// Serves files of Platform Core's object storage to signed-in users. Which paths exist and who may read them:
/// - `avatars/<user_id>/<file>` — profile pictures: the user and anyone active with them in a workspace;
/// - `workspaces/<workspace_id>/…` — a workspace's files: its active members.
/// Anything else, a path that is not a valid storage key (`..`, empty segments, odd characters: the traversal
/// guard is `ObjectKey`), a file that does not exist and a file the caller may not read all answer the same 404,
/// so paths cannot be probed.
struct UploadHandlers {
    let storage: any ObjectStorage
    let repository: UploadsRepository
    let access: DatabaseAccessResolver

    @Sendable func serve(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let caller = try context.requireIdentity()
        let key = try Self.key(context.parameters.getCatchAll())
        try await authorize(key: key, userID: caller.userID)
        guard let data = try await storage.get(key: key) else { throw APIError.notFound("file") }
        let etag = "\"" + SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        var headers: HTTPFields = [
            // Private: the answer depends on who asks; revalidated with the ETag after five minutes.
            .cacheControl: "private, max-age=300",
            .eTag: etag,
            .init("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
        ]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        let type = ContentSniffer.sniff(data)
        headers[.contentType] = type?.contentType ?? "application/octet-stream"
        // Pictures and PDFs show in the browser; anything else is a download, so no stored file renders as a page.
        let inline: Set<SniffedType> = [.png, .jpeg, .gif, .webp, .pdf]
        headers[.contentDisposition] = type.map { inline.contains($0) } == true ? "inline" : "attachment"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The storage key the URL names: its segments joined, each percent-decoded, then held to `ObjectKey`'s rule.
    static func key(_ segments: [Substring]) throws -> String {
        let raw = segments.joined(separator: "/")
        guard raw.utf8.count <= 1536, let decoded = raw.removingPercentEncoding, ObjectKey.isValid(decoded) else {
            throw APIError.notFound("file")
        }
        return decoded
    }

    func authorize(key: String, userID: UUID) async throws {
        let parts = key.split(separator: "/")
        guard parts.count >= 3, let owner = UUID(uuidString: String(parts[1])) else { throw APIError.notFound("file") }
        switch parts[0] {
        case "avatars" where parts.count == 3:
            guard try await repository.sharesWorkspace(caller: userID, owner: owner) else { throw APIError.notFound("file") }
        case "workspaces":
            guard try await access.resolve(userID: userID, companyID: owner) != nil else { throw APIError.notFound("file") }
        default:
            throw APIError.notFound("file")
        }
    }
}
