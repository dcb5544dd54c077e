import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import NIOCore

struct ServiceIndexHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    let publicAppURL: String
    let publicAPIURL: String

    struct Index: ResponseEncodable, Sendable {
        var service: String
        var name: String
        var status: String
        var version: String
        var contract: String
        var health: String
        var jwks: String
    }

    /// `GET /`: the service's name and links to its contract, health check and signing keys.
    @Sendable func index(_ request: Request, context: PlatformRequestContext) async throws -> Index {
        Index(service: PlatformCoreService.name, name: "Kisum Platform Core API", status: "ok", version: "v1",
              contract: "\(publicAPIURL)/openapi.yaml", health: "\(publicAPIURL)/health", jwks: "\(publicAPIURL)/.well-known/jwks.json")
    }

    /// `GET /health`: 200 when the database answers, else 503 `not_ready` (the same check as `/health/ready`).
    @Sendable func health(_ request: Request, context: PlatformRequestContext) async throws -> HealthStatus {
        do {
            try await database.ping()
        } catch {
            context.logger.warning("health check failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("not_ready", "The platform-core service is not ready: its database is unavailable.")
        }
        return HealthStatus(status: "ok", service: PlatformCoreService.name, checks: ["database": "ok"])
    }

    /// `GET /select-workspace`: the caller's workspaces (active, invited and suspended memberships of active
    /// workspaces) as an HTML page; each links to the app with the workspace chosen. Every stored text is escaped.
    @Sendable func selectWorkspace(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let memberships = try await workspaces.memberships(userID: identity.userID)
        let html = Self.page(memberships, appURL: publicAppURL)
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "private, no-store",
            .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            .init("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func page(_ memberships: [WorkspaceMembershipSummary], appURL: String) -> String {
        var items = ""
        for m in memberships {
            let link = "\(appURL)/?workspace_id=\(m.id.uuidString.lowercased())"
            let note = m.status == "active" ? "" : " <em>(\(escape(m.status)))</em>"
            items += "<li><a href=\"\(escape(link))\">\(escape(m.name))</a> <small>\(escape(m.slug)) · \(escape(m.role))</small>\(note)</li>\n"
        }
        let body = memberships.isEmpty ? "<p>You are not a member of any workspace yet.</p>" : "<ul>\n\(items)</ul>"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Select a workspace</title>
            <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}li{margin:.5rem 0}</style>
            </head><body><h1>Select a workspace</h1>
            \(body)
            </body></html>

            """
    }

    /// HTML text and attribute escaping (the five characters that can end a text or an attribute).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
