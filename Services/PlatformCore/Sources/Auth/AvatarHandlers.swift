import Foundation
import KisumPersistence
import Hummingbird
import KisumKernel
import KisumStorage
import NIOCore

/// Profile pictures: `multipart/form-data` uploads (field `file`) of PNG, JPEG or WebP — recognised by
/// their first bytes, not by the declared type — up to AVATAR_MAX_BYTES, stored through `ObjectStorage`
/// under an unguessable name and served back by `GET /api/v1/auth/avatars/{user_id}/{file_name}`.
struct AvatarHandlers {
    let database: Database
    let storage: any ObjectStorage
    let settings: PlatformCoreSettings
    let users: UserRepository

    struct AvatarUploaded: ResponseEncodable {
        var avatarUrl: String
        var user: User
    }

    /// `POST /auth/me/avatar`.
    @Sendable func uploadMine(_ request: Request, context: PlatformRequestContext) async throws -> AvatarUploaded {
        let caller = try context.requireIdentity()
        return try await store(request, for: caller.userID)
    }

    /// `POST /auth/{user_id}/avatar`: for another user, with the same rule as editing their profile.
    @Sendable func uploadForUser(_ request: Request, context: PlatformRequestContext) async throws -> AvatarUploaded {
        let caller = try context.requireIdentity()
        let targetID = try context.parameters.userID()
        var query = QueryReader(request)
        let workspaceID = query.uuid("workspace_id")
        try query.validate()
        if targetID != caller.userID {
            _ = try await UserAccessPolicy(database: database).requireEdit(caller: caller.userID, target: targetID, workspaceID: workspaceID)
        }
        return try await store(request, for: targetID)
    }

    /// `GET /auth/avatars/{user_id}/{file_name}`: public (image tags send no token); names are random.
    @Sendable func serve(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let userID = try context.parameters.userID()
        guard let name = context.parameters.get("file_name"), let type = Self.imageType(ofFileName: name) else {
            throw APIError.notFound("file")
        }
        let key = "avatars/\(userID.uuidString.lowercased())/\(name)"
        guard let data = try await storage.get(key: key) else { throw APIError.notFound("file") }
        return Response(status: .ok, headers: [
            .contentType: type.contentType,
            .cacheControl: "public, max-age=31536000, immutable",
            .init("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "default-src 'none'",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads, checks and stores the uploaded image as `userID`'s avatar (deleting the previous upload).
    /// Callers decide who may do this; `POST /members/{member_id}/avatar` uses it too.
    func store(_ request: Request, for userID: UUID) async throws -> AvatarUploaded {
        let limit = settings.avatarMaxBytes
        let file = try await Self.filePart(of: request, limit: limit)
        guard file.count <= limit else { throw Self.tooLarge(limit) }
        guard !file.isEmpty, let type = ImageType.sniff(file) else {
            // 422: the multipart request itself is fine; the file in it is not an image we take.
            throw APIError(.unprocessableContent, code: "unsupported_image_type", message: "Upload a PNG, JPEG or WebP image.",
                           details: [FieldIssue(field: "file", code: "unsupported_image_type", message: "Upload a PNG, JPEG or WebP image.")])
        }
        guard try await users.find(id: userID) != nil else { throw APIError.notFound("user") }
        let fileName = "\(OpaqueToken.generate(bytes: 16)).\(type.fileExtension)"
        let key = "avatars/\(userID.uuidString.lowercased())/\(fileName)"
        try await storage.put(key: key, data: file, contentType: type.contentType)
        let url = "\(settings.publicAPIURL)/api/v1/auth/avatars/\(userID.uuidString.lowercased())/\(fileName)"
        guard let (user, previous) = try await users.setAvatar(userID: userID, url: url, key: key) else {
            try? await storage.delete(key: key)
            throw APIError.notFound("user")
        }
        if let previous, previous != key { try? await storage.delete(key: previous) }
        return AvatarUploaded(avatarUrl: url, user: user)
    }

    /// The `file` part (or the first part with a filename) of a multipart body, no larger than `limit`
    /// (the kernel's reader, shared with other services' uploads).
    static func filePart(of request: Request, limit: Int) async throws -> Data {
        try await MultipartForm.uploadedFile(of: request, field: "file", limit: limit, what: "image")
    }

    /// `<22 base64url characters>.<png|jpg|webp>`, as `store` names files.
    static func imageType(ofFileName name: String) -> ImageType? {
        let parts = name.split(separator: ".")
        guard parts.count == 2, (16...64).contains(parts[0].count),
              parts[0].utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
        else { return nil }
        return ImageType(fileExtension: String(parts[1]))
    }

    static func tooLarge(_ limit: Int) -> APIError {
        MultipartForm.tooLarge(limit, what: "image")
    }
}
