import Foundation
import KisumKernel
import KisumServiceClient
import Logging

/// A Clerk user as Clerk's Backend API reports it.
public struct ClerkUser: Sendable, Equatable {
    public var id: String
    /// Verified e-mail addresses only.
    public var verifiedEmails: [String]
    public var firstName: String?
    public var lastName: String?
}

/// Confirms a Clerk user id (and which e-mails Clerk has verified for it).
public protocol ClerkDirectory: Sendable {
    /// The user, or nil when Clerk does not know the id.
    func user(id: String) async throws -> ClerkUser?
}

/// Clerk's Backend API: `GET /v1/users/{id}` with the secret key.
public struct HTTPClerkDirectory: ClerkDirectory {
    let apiURL: String
    let apiKey: String
    let transport: any HTTPTransport
    let logger: Logger

    public init(apiURL: String, apiKey: String, transport: any HTTPTransport = CurlTransport.shared, logger: Logger) {
        self.apiURL = apiURL
        self.apiKey = apiKey
        self.transport = transport
        self.logger = logger
    }

    public func user(id: String) async throws -> ClerkUser? {
        guard Self.isClerkID(id) else { return nil }
        let request = OutboundRequest(method: "GET", url: "\(apiURL)/v1/users/\(id)",
                                      headers: [("Authorization", "Bearer \(apiKey)"), ("Accept", "application/json")],
                                      timeout: .seconds(5))
        let response: OutboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw APIError.unavailable("identity_provider_unavailable", "Clerk cannot be reached right now.")
        }
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status),
              let json = try? JSONCoding.decoder.decode(JSONValue.self, from: Data(response.body))
        else {
            logger.warning("clerk answered unexpectedly", metadata: ["status": "\(response.status)"])
            throw APIError.unavailable("identity_provider_unavailable", "Clerk cannot be reached right now.")
        }
        let emails = (json["email_addresses"]?.arrayValue ?? []).compactMap { entry -> String? in
            guard entry["verification"]?["status"]?.stringValue == "verified" else { return nil }
            return entry["email_address"]?.stringValue.map(EmailAddress.normalize)
        }
        return ClerkUser(id: json["id"]?.stringValue ?? id, verifiedEmails: emails,
                         firstName: json["first_name"]?.stringValue, lastName: json["last_name"]?.stringValue)
    }

    /// Clerk ids look like `user_2abc…`; anything else never reaches the URL.
    static func isClerkID(_ id: String) -> Bool {
        (5...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }
}
