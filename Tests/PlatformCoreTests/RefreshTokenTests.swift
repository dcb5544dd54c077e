import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Authentication: refresh-token rotation and reuse detection")
struct RefreshTokenTests {
    /// Required: sign in, refresh three times, replay the first refresh token → every token of the family is refused.
    @Test func replayingASpentRefreshTokenRevokesTheWholeFamily() async throws {
        let h = try await Harness.make { $0.refreshReuseGrace = 0 }
        let user = try await h.user()
        try await h.run { api async throws in
            let login = try await api.login(user.email).json
            var refreshTokens = [login["refresh_token"]!.string!]
            var accessTokens = [login["access_token"]!.string!]
            for _ in 0..<3 {
                let next = try await api.post("/api/v1/auth/refresh", ["refresh_token": .string(refreshTokens.last!)])
                #expect(next.status == .ok)
                #expect(next.json["session_id"] == login["session_id"])
                refreshTokens.append(next.json["refresh_token"]!.string!)
                accessTokens.append(next.json["access_token"]!.string!)
            }
            #expect(Set(refreshTokens).count == 4)

            let replay = try await api.post("/api/v1/auth/refresh", ["refresh_token": .string(refreshTokens[0])])
            #expect(replay.status == .unauthorized)
            #expect(replay.errorCode == "refresh_token_reused")

            for token in refreshTokens {
                let attempt = try await api.post("/api/v1/auth/refresh", ["refresh_token": .string(token)])
                #expect(attempt.status == .unauthorized)
                #expect(["session_revoked", "refresh_token_reused"].contains(attempt.errorCode ?? ""))
            }
            // The family's access tokens are refused by Platform Core at once too.
            for token in accessTokens {
                let me = try await api.with(token: token).get("/api/v1/auth/me")
                #expect(me.status == .unauthorized)
                #expect(me.errorCode == "session_revoked")
            }
            #expect(try await h.count("SELECT count(*) FROM security_events WHERE kind = 'refresh_token_reuse'") == 1)
            // A new sign-in still works: only that family ended.
            #expect(try await api.login(user.email).status == .ok)
        }
    }

    /// Required: a parallel refresh from the same client within the grace window gets a sibling token;
    /// after the window the same replay ends the family.
    @Test func refreshGraceWindow() async throws {
        let h = try await Harness.make { $0.refreshReuseGrace = 2 }
        let user = try await h.user()
        try await h.run { api async throws in
            let client = api.from("198.51.100.20").with(header: "User-Agent", "KisumWeb/1.0")
            let login = try await client.login(user.email).json
            let first = login["refresh_token"]!

            // Two tabs refresh with the same token at (nearly) the same time.
            async let a = client.post("/api/v1/auth/refresh", ["refresh_token": first])
            async let b = client.post("/api/v1/auth/refresh", ["refresh_token": first])
            let (ra, rb) = try await (a, b)
            #expect(ra.status == .ok)
            #expect(rb.status == .ok)
            #expect(ra.json["refresh_token"] != rb.json["refresh_token"])

            // Another client replaying within the window is not "the same client": theft, family revoked.
            let other = api.from("192.0.2.99").with(header: "User-Agent", "curl/8")
            let stolen = try await other.post("/api/v1/auth/refresh", ["refresh_token": first])
            #expect(stolen.status == .unauthorized)
            #expect(stolen.errorCode == "refresh_token_reused")
            #expect(try await client.post("/api/v1/auth/refresh", ["refresh_token": ra.json["refresh_token"]!]).status == .unauthorized)
        }
    }

    @Test func sameClientReplayAfterTheGraceWindowRevokesTheFamily() async throws {
        // A window no slow machine can miss; its end is then brought forward in the database, not waited for.
        let h = try await Harness.make { $0.refreshReuseGrace = 30 }
        let user = try await h.user()
        try await h.run { api async throws in
            let login = try await api.login(user.email).json
            let first = login["refresh_token"]!
            let second = try await api.post("/api/v1/auth/refresh", ["refresh_token": first]).json["refresh_token"]!
            // Within the window: a sibling.
            #expect(try await api.post("/api/v1/auth/refresh", ["refresh_token": first]).status == .ok)
            try await h.core.database.query("UPDATE refresh_tokens SET used_at = used_at - interval '31 seconds' WHERE used_at IS NOT NULL")
            let late = try await api.post("/api/v1/auth/refresh", ["refresh_token": first])
            #expect(late.errorCode == "refresh_token_reused")
            #expect(try await api.post("/api/v1/auth/refresh", ["refresh_token": second]).errorCode == "session_revoked")
        }
    }

    @Test func malformedUnknownAndExpiredRefreshTokens() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            #expect(try await api.post("/api/v1/auth/refresh", [:]).status == .unprocessableContent)
            #expect(try await api.post("/api/v1/auth/refresh", ["refresh_token": "x"]).errorCode == "refresh_token_invalid")
            let unknown = try await api.post("/api/v1/auth/refresh", ["refresh_token": .string(OpaqueToken.generate())])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.errorCode == "refresh_token_invalid")

            let login = try await api.login(user.email).json
            try await h.core.database.query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second'")
            let expired = try await api.post("/api/v1/auth/refresh", ["refresh_token": login["refresh_token"]!])
            #expect(expired.errorCode == "refresh_token_expired")
        }
    }

    @Test func refreshStopsWhenTheUserIsDisabled() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let login = try await api.login(user.email).json
            try await h.core.database.query("UPDATE users SET status = 'disabled' WHERE id = \(user.id)")
            let refused = try await api.post("/api/v1/auth/refresh", ["refresh_token": login["refresh_token"]!])
            #expect(refused.errorCode == "account_inactive")
        }
    }
}
