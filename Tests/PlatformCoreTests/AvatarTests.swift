import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PlatformCore
import PostgresNIO
import Testing

@Suite("Authentication: avatars")
struct AvatarTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 200)
    static let webp: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array(repeating: 1, count: 50)

    static func multipart(_ bytes: [UInt8], field: String = "file", filename: String = "me.png", contentType: String = "image/png")
        -> (body: ByteBuffer, contentType: String)
    {
        let boundary = "kisum-test-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func upload(_ api: APITestClient, _ path: String, token: String, _ bytes: [UInt8], field: String = "file") async throws -> TestResponse {
        let (body, type) = multipart(bytes, field: field)
        return try await api.client.execute(uri: path, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: type], body: body)
    }

    @Test func uploadStoresTheImageAndServesItBack() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let token = try await h.token(for: user)
            let uploaded = try await Self.upload(api, "/api/v1/auth/me/avatar", token: token, Self.png)
            #expect(uploaded.status == .ok)
            let url = uploaded.json["avatar_url"]!.string!
            #expect(url.hasPrefix("http://localhost:8080/platform/api/v1/auth/avatars/\(user.id.uuidString.lowercased())/"))
            #expect(url.hasSuffix(".png"))
            #expect(uploaded.json["user"]?["avatar_url"]?.string == url)

            let path = String(url.dropFirst("http://localhost:8080/platform".count))
            let served = try await api.get(path)
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(Array(served.body.readableBytesView) == Self.png)

            // A new upload replaces (and deletes) the old file.
            let second = try await Self.upload(api, "/api/v1/auth/me/avatar", token: token, Self.webp)
            #expect(second.json["avatar_url"]?.string?.hasSuffix(".webp") == true)
            #expect(try await api.get(path).status == .notFound)
            #expect(try await api.get("/api/v1/auth/avatars/\(user.id)/..%2F..%2Fetc.png").status == .notFound)
        }
    }

    @Test func sizeAndTypeLimitsAreEnforced() async throws {
        let h = try await Harness.make { $0.avatarMaxBytes = 1024 }
        let user = try await h.user()
        try await h.run { api async throws in
            let token = try await h.token(for: user)
            let big = try await Self.upload(api, "/api/v1/auth/me/avatar", token: token, Self.png + Array(repeating: 0, count: 2000))
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "payload_too_large")
            let text = try await Self.upload(api, "/api/v1/auth/me/avatar", token: token, Array("<svg onload=alert(1)>".utf8))
            #expect(text.status == .unprocessableContent)
            #expect(text.errorCode == "unsupported_image_type")
            let wrongField = try await Self.upload(api, "/api/v1/auth/me/avatar", token: token, Self.png, field: "picture")
            #expect(wrongField.status == .ok, "any part with a filename is taken when there is no \"file\" field")
            let noFile = try await api.client.execute(
                uri: "/api/v1/auth/me/avatar", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=b"],
                body: ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--b--\r\n"))
            #expect(noFile.status == .unprocessableContent)
            let json = try await api.with(token: token).post("/api/v1/auth/me/avatar", ["file": "x"])
            #expect(json.status == .unsupportedMediaType)
            #expect(try await api.client.execute(uri: "/api/v1/auth/me/avatar", method: .post,
                                                 headers: [.contentType: "multipart/form-data; boundary=x"], body: ByteBuffer()).status == .unauthorized)
        }
    }

    /// Issue 16: a part header byte ≥ 0x80 crashed the process inside multipart-kit; now every avatar
    /// route answers 400 `invalid_multipart` and the service keeps serving.
    @Test func malformedMultipartIs400AndTheServiceLives() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let memberID = try #require(try await h.core.database.query("""
            SELECT id FROM memberships WHERE workspace_id = \(workspace.id) AND user_id = \(owner.id)
            """).first { try $0.decode(UUID.self) })
        try await h.run { api async throws in
            let token = try await h.token(for: owner)
            let boundary = "3e61b45367bc5ad0dfbceaff5421c160"
            var crash = ByteBuffer(string: "--\(boundary)\r\n")
            crash.writeBytes([0xBA, 0xF1, 0x8B, 0x82, 0x8B, 0xD5, 0x3A, 0x0B, 0x2C, 0xE9])
            crash.writeString("--\(boundary)--\r\n")
            for path in ["/api/v1/auth/me/avatar", "/api/v1/auth/\(owner.id)/avatar", "/api/v1/members/\(memberID)/avatar"] {
                let response = try await api.client.execute(
                    uri: path, method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=\(boundary)",
                              .xWorkspaceID: workspace.id.uuidString],
                    body: crash)
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.errorCode == "invalid_multipart", "\(path)")
            }
            #expect(try await Self.upload(api, "/api/v1/auth/me/avatar", token: token, Self.png).status == .ok)
        }
    }

    @Test func uploadingForAnotherUserFollowsTheEditRule() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let member = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.workspace(owner: stranger)
        try await h.addMember(member, to: workspace, role: "member")
        try await h.run { api async throws in
            let forMember = try await Self.upload(api, "/api/v1/auth/\(member.id)/avatar", token: try await h.token(for: owner), Self.png)
            #expect(forMember.status == .ok)
            #expect(forMember.json["user"]?["id"]?.uuid == member.id)
            let denied = try await Self.upload(api, "/api/v1/auth/\(owner.id)/avatar", token: try await h.token(for: member), Self.png)
            #expect(denied.status == .forbidden)
            let foreign = try await Self.upload(api, "/api/v1/auth/\(member.id)/avatar", token: try await h.token(for: stranger), Self.png)
            #expect(foreign.status == .notFound)
        }
    }
}
