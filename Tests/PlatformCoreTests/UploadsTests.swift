import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumStorage
import KisumTesting
import NIOCore
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Uploads: serves stored files by path from the storage abstraction, with path traversal refused,
/// content type, caching headers and access checks."
@Suite("Uploads")
struct UploadsTests {
    @Test func avatarsAreServedToTheUserAndTheirCoMembersOnly() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let stranger = try await h.user()
        let strangerToken = try await h.token(for: stranger)
        try await h.run { api async throws in
            let uploaded = try await AvatarTests.upload(api, "/api/v1/auth/me/avatar", token: crew.tokens["member"] ?? "", AvatarTests.png)
            let url = try #require(uploaded.json["avatar_url"]?.string)
            let marker = "/api/v1/auth/avatars/"
            let range = try #require(url.range(of: marker))
            let key = "avatars/" + url[range.upperBound...]
            #expect(key.hasPrefix("avatars/\(crew.member.id.uuidString.lowercased())/"))

            let mine = try await api.with(token: crew.tokens["member"]).get("/api/v1/uploads/\(key)")
            #expect(mine.status == .ok)
            #expect(mine.headers[.contentType] == "image/png")
            #expect(mine.headers[.contentDisposition] == "inline")
            #expect(mine.headers[.cacheControl] == "private, max-age=300")
            #expect(mine.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(Array(mine.body.readableBytesView) == AvatarTests.png)
            let etag = try #require(mine.headers[.eTag])
            // The same file with its slashes encoded (the contract's single parameter).
            let encoded = key.replacingOccurrences(of: "/", with: "%2F")
            #expect(try await api.with(token: crew.tokens["viewer"]).get("/api/v1/uploads/\(encoded)").status == .ok)
            // Revalidation: the ETag answers 304 with no body; another tag gets the file.
            let cached = try await api.with(token: crew.tokens["member"]).with(header: "If-None-Match", etag).get("/api/v1/uploads/\(key)")
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)
            #expect(try await api.with(token: crew.tokens["member"]).with(header: "If-None-Match", "\"other\"").get("/api/v1/uploads/\(key)").status == .ok)

            // A co-member sees it; someone sharing no workspace gets the same 404 as a missing file; no token is 401.
            #expect(try await api.with(token: crew.tokens["owner"]).get("/api/v1/uploads/\(key)").status == .ok)
            #expect(try await api.with(token: strangerToken).get("/api/v1/uploads/\(key)").status == .notFound)
            #expect(try await api.get("/api/v1/uploads/\(key)").status == .unauthorized)
            // A member who left no longer sees it.
            try await h.core.database.query("UPDATE memberships SET status = 'removed' WHERE user_id = \(crew.viewer.id)")
            #expect(try await api.with(token: crew.tokens["viewer"]).get("/api/v1/uploads/\(key)").status == .notFound)
        }
    }

    @Test func workspaceFilesNeedMembershipAndNothingOutsideTheStoreIsReachable() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let other = try await AccessCrew.make(h)
        let key = "workspaces/\(crew.workspace.id.uuidString.lowercased())/notes/plan.txt"
        try await h.core.storage.put(key: key, data: Data("load-in at 16:00\n".utf8), contentType: "text/plain")
        // A file beside the storage root that traversal would reach.
        let outside = URL(fileURLWithPath: h.runtime.settings.storageDirectory).deletingLastPathComponent()
            .appendingPathComponent("kisum-uploads-secret-\(UUID().uuidString.prefix(6)).txt")
        try Data("secret".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try await h.run { api async throws in
            let viewer = api.with(token: crew.tokens["viewer"])
            let text = try await viewer.get("/api/v1/uploads/\(key)")
            #expect(text.status == .ok)
            #expect(text.headers[.contentType] == "text/plain; charset=utf-8" || text.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(text.headers[.contentDisposition] == "attachment")
            #expect(text.text == "load-in at 16:00\n")
            // Another workspace's member: 404, as for a file that does not exist.
            #expect(try await api.with(token: other.tokens["owner"]).get("/api/v1/uploads/\(key)").status == .notFound)
            #expect(try await viewer.get("/api/v1/uploads/workspaces/\(crew.workspace.id.uuidString.lowercased())/notes/none.txt").status == .notFound)
            // Traversal in every spelling, unknown prefixes and malformed ids: 404.
            let name = outside.lastPathComponent
            for probe in ["..%2F\(name)", "../\(name)", "workspaces/\(crew.workspace.id.uuidString.lowercased())/..%2F..%2F..%2F\(name)",
                          "workspaces/\(crew.workspace.id.uuidString.lowercased())/%2E%2E/%2E%2E/%2E%2E/\(name)",
                          "notes/plan.txt",
                          "workspaces/not-a-uuid/notes/plan.txt", "avatars/x", "%2Fetc%2Fpasswd", "%00", "a%ZZ"] {
                let answer = try await viewer.get("/api/v1/uploads/\(probe)")
                #expect(answer.status == .notFound || answer.status == .badRequest, "\(probe): \(answer.status)")
                #expect(answer.text.contains("secret") == false)
            }
        }
    }
}
