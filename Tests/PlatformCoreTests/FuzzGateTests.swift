import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 16's fuzz gate (schemathesis against contracts/platform-core.yaml): answers the server gave to
/// requests the contract calls valid, or accepted although the contract refuses them.
@Suite("Fuzz gate regressions (Platform Core)")
struct PlatformCoreFuzzGateTests {
    /// A well-formed token that names no usable link is a fact of stored data, not a malformed request:
    /// 422 (like every other rule JSON Schema cannot state), never 400.
    @Test func unusableSingleUseLinksAre422() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let unknown = OpaqueToken.generate()
            for response in [
                try await api.get("/api/v1/auth/activate?token=\(unknown)"),
                try await api.post("/api/v1/auth/activate", ["token": .string(unknown)]),
                try await api.post("/api/v1/auth/reset-password", ["token": .string(unknown), "new_password": "a long enough password"]),
                try await api.post("/api/v1/auth/impersonate/exchange", ["token": .string(unknown)]),
                try await api.get("/api/v1/workspaces/invitations/details?token=\(unknown)"),
                try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(unknown)]),
                try await api.get("/api/v1/auth/activate?token=not-base64url!"),
            ] {
                #expect(response.status == .unprocessableContent)
                #expect(response.errorCode == "token_invalid")
            }
            // A missing token is still a malformed request.
            #expect(try await api.get("/api/v1/auth/activate").status == .badRequest)

            _ = try await api.post("/api/v1/auth/register", ["email": "link@example.com", "password": "a long enough password"])
            let token = URLComponents(string: try await h.lastEmail(to: "link@example.com")["links"]!["activation"]!.string!)!
                .queryItems!.first { $0.name == "token" }!.value!
            #expect(try await api.post("/api/v1/auth/activate", ["token": .string(token)]).status == .ok)
            let used = try await api.post("/api/v1/auth/activate", ["token": .string(token)])
            #expect(used.status == .unprocessableContent)
            #expect(used.errorCode == "token_used")
            try await h.core.database.query("UPDATE single_use_tokens SET used_at = NULL, expires_at = now() - interval '1 second'")
            let expired = try await api.get("/api/v1/auth/activate?token=\(token)")
            #expect(expired.status == .unprocessableContent)
            #expect(expired.errorCode == "token_expired")
        }
    }

    /// Without the shared secret the caller learns nothing about the configuration (401, not 503).
    @Test func clerkCheckUserAsksForTheSecretBeforeItsConfiguration() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let body: JSONValue = ["clerk_id": "user_1", "email": "a@example.com"]
            let missing = try await api.post("/api/v1/auth/clerk/check-user", body)
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "clerk_secret_invalid")
            let empty = try await api.with(header: "X-Clerk-Secret", "").post("/api/v1/auth/clerk/check-user", body)
            #expect(empty.status == .unauthorized)
            let presented = try await api.with(header: "X-Clerk-Secret", "something").post("/api/v1/auth/clerk/check-user", body)
            #expect(presented.status == .serviceUnavailable)
            #expect(presented.errorCode == "provider_not_configured")
        }
    }

    /// `?tour_id=` sent empty named no tour and reset every tour; it is an invalid tour id.
    @Test func anEmptyTourIDInTheQueryResetsNothing() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asMember = try await crew.client(api, as: crew.member)
            #expect(try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": true]).status == .ok)
            let empty = try await asMember.request(.put, "/api/v1/members/me/tours/reset?tour_id=")
            #expect(empty.status == .unprocessableContent)
            #expect(empty.json["error"]?["details"]?[0]?["code"] == "invalid_tour_id")
            #expect(try await asMember.request(.put, "/api/v1/members/me/tours/reset?tour_id=%20welcome").status == .unprocessableContent)
            let withBody = try await asMember.request(.put, "/api/v1/members/me/tours/reset?tour_id=", rawBody: #"{"tour_id":"other"}"#)
            #expect(withBody.status == .unprocessableContent, "an invalid query value is refused even when the body names a tour")
            #expect(try await asMember.get("/api/v1/members/me/tours").json["welcome"]?["completed"] == true, "nothing was reset")
            #expect(try await asMember.request(.put, "/api/v1/members/me/tours/reset?tour_id=welcome").status == .ok)
            #expect(try await asMember.get("/api/v1/members/me/tours").json["welcome"] == nil)
        }
    }
}
