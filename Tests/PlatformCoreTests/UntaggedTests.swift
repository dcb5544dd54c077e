import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

/// Issue 11: "Untagged: `/`, `/health` and `/select-workspace` (a small server-rendered page listing the signed-in
/// user's workspaces)."
@Suite("Untagged routes")
struct UntaggedTests {
    @Test func indexAndHealthAnswer() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let index = try await api.get("/")
            #expect(index.status == .ok)
            #expect(index.json["service"] == "platform-core")
            #expect(index.json["contract"]?.stringValue?.hasSuffix("/openapi.yaml") == true)
            let health = try await api.get("/health")
            #expect(health.status == .ok)
            #expect(health.json["status"] == "ok")
            #expect(health.json["checks"]?["database"] == "ok")
            #expect(try await api.post("/health").status == .methodNotAllowed)
        }
    }

    /// Every workspace name is HTML-escaped; only the caller's workspaces are listed; a bearer token is required.
    @Test func workspaceSelectorListsTheCallersWorkspacesEscaped() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        _ = try await h.workspace(owner: user, name: "<script>alert(\"x\")</script> & Co")
        _ = try await h.workspace(owner: user, name: "Paradiso")
        let stranger = try await h.user()
        _ = try await h.workspace(owner: stranger, name: "Not Yours")
        try await h.run { api async throws in
            let page = try await api.with(token: try await h.token(for: user)).get("/select-workspace")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"))
            #expect(!page.text.contains("<script>"))
            #expect(page.text.contains(">Paradiso</a>"))
            #expect(!page.text.contains("Not Yours"))

            let none = try await api.with(token: try await h.token(for: try await h.user())).get("/select-workspace")
            #expect(none.text.contains("not a member of any workspace"))
            #expect(try await api.get("/select-workspace").status == .unauthorized)
            #expect(try await api.with(token: "garbage").get("/select-workspace").status == .unauthorized)
        }
    }
}
