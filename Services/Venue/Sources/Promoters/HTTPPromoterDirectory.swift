import Foundation
import KisumServiceClient

/// Promoter's internal resolver, `GET /internal/events/{id}` (internal API key, company in `x-org`),
/// through the shared libcurl `ServiceClient`.
///
/// One attempt per question: the caller's request waits for it, so `PROMOTERS_TIMEOUT_SECONDS` is the whole
/// wait, and a 503 leaves nothing written, so the caller may simply retry.
public struct HTTPPromoterDirectory: PromoterDirectory {
    static let resolverPath = "/internal/events/"
    private let client: ServiceClient

    public init(settings: PromoterDirectorySettings, transport: any HTTPTransport = CurlTransport.shared) {
        client = ServiceClient(name: "promoter", baseURL: settings.baseURL, internalAPIKey: settings.apiKey, transport: transport,
                               timeout: settings.timeout, retry: .none)
    }

    public func event(_ reference: String, companyID: UUID) async throws -> PromoterEventIdentity? {
        // The reference is a UUID or 24 hex digits (checked by the caller), so it needs no escaping in the path.
        let response: OutboundResponse
        do {
            response = try await client.send("GET", Self.resolverPath + reference.lowercased(), orgID: companyID.uuidString.lowercased())
        } catch let error as ServiceClientError {
            throw PromoterDirectoryError(error.description)
        }
        switch response.status {
        case 200:
            do {
                return try ServiceClient.defaultDecoder.decode(PromoterEventIdentity.self, from: Data(response.body))
            } catch {
                throw PromoterDirectoryError("undecodable answer: \(error)")
            }
        case 404:
            return nil
        case 400 where Self.errorCode(response) == "invalid_event_id":
            // Promoter reads ids the way Venue does; should the two ever differ, Promoter's word decides.
            return nil
        default:
            // 401/403 mean Venue's key is wrong: a configuration fault, reported as unavailable, never as the
            // caller's mistake. The body is Promoter's error JSON, which never echoes the key.
            throw PromoterDirectoryError("answered \(response.status) \(Self.errorCode(response) ?? "")")
        }
    }

    private struct ErrorBody: Decodable {
        struct Inner: Decodable { var code: String }
        var error: Inner
    }

    static func errorCode(_ response: OutboundResponse) -> String? {
        (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)))?.error.code
    }
}
