import Foundation
import Hummingbird
import KisumKernel

/// One provider's state for the company in `GET /api/integrations`. Company connections (Finance, Xero) are read
/// from their stored connection rows; platform providers (setlist.fm, Nextcloud, the AI models, n8n) are configured by
/// the operator for every company, so for them `connected` is simply whether the provider's settings are present: the
/// same settings the provider itself is built from, so the list cannot claim what the routes would refuse.
struct IntegrationState: Encodable, Sendable, Equatable {
    var provider: String
    var name: String
    /// company: each company connects it (POST …/connect); platform: the operator configures it once.
    var scope: String
    var configured: Bool
    var connected: Bool
    /// not_configured | not_connected | connected | needs_reauth | available.
    var status: String
    var connectedAt: Date?
    /// Where the provider's own routes are.
    var path: String
}

struct IntegrationList: ResponseEncodable, Sendable {
    var items: [IntegrationState]
}

/// A provider the operator configures for the whole platform, described by `BaseService` from the settings it built
/// the provider with.
struct PlatformIntegration: Sendable {
    var provider: String
    var name: String
    var configured: Bool
    var path: String

    var state: IntegrationState {
        IntegrationState(provider: provider, name: name, scope: "platform", configured: configured, connected: configured,
                         status: configured ? "available" : "not_configured", connectedAt: nil, path: path)
    }
}

extension BaseSettings {
    /// The platform providers in the order the list shows them, each configured exactly when its routes would work.
    var platformIntegrations: [PlatformIntegration] {
        [
            PlatformIntegration(provider: "setlistfm", name: "setlist.fm", configured: setlistfm != nil, path: "/api/setlistfm"),
            PlatformIntegration(provider: "nextcloud", name: "Nextcloud", configured: nextcloud != nil, path: "/api/nextcloud/files"),
            PlatformIntegration(provider: "openai", name: "OpenAI-compatible model", configured: ai.openAI != nil, path: "/api/ai-kisum"),
            PlatformIntegration(provider: "gemini", name: "Google Gemini", configured: ai.gemini != nil, path: "/api/ai-kisum/gemini"),
            PlatformIntegration(provider: "n8n", name: "n8n workflow", configured: ai.n8n != nil, path: "/api/ai-kisum/n8n"),
        ]
    }
}
