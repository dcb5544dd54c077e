import Foundation
import KisumKernel
import KisumServiceClient
import Logging
import PlatformCoreAPI

/// The caller's inbox in Platform Core as Base's handlers use it: not configured or not answering is 503
/// `platform_core_unavailable` (never an empty inbox, which would read as "nothing new").
struct NotificationInbox: Sendable {
    let client: PlatformNotificationsClient?

    /// The settings' client (tests), else Platform Core's URL and key from the kernel's auth settings.
    init(settings: BaseSettings, auth: KernelSettings.AuthSettings) {
        client = settings.notifications ?? auth.platformCoreURL.map { PlatformNotificationsClient(baseURL: $0, apiKey: auth.platformCoreAPIKey) }
    }

    func call<T: Sendable>(_ body: (PlatformNotificationsClient) async throws -> T) async throws -> T {
        guard let client else {
            throw APIError.unavailable("platform_core_unavailable", "Platform Core is not configured for Base (PLATFORM_CORE_URL).")
        }
        do {
            return try await body(client)
        } catch let error as ServiceClientError {
            Logger(label: "base.notifications").warning("platform core inbox call failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("platform_core_unavailable", "Platform Core did not answer; try again shortly.")
        }
    }
}
