import Foundation
import KisumKernel
import KisumServiceClient
import NIOCore

/// Adobe Acrobat Sign over its REST API v6, through the kernel's libcurl `ServiceClient`:
///
/// - send: `POST /transientDocuments` (multipart upload of the PDF), then `POST /agreements` with one
///   participant set per signer (a set is "any one member signs", so signers must not share one),
///   ordered by `signingOrder`, `cc` recipients as `ccs`;
/// - state: `GET /agreements/{id}` and `GET /agreements/{id}/members`, mapped to Venue's statuses;
/// - resend: `POST /agreements/{id}/reminders` for the participants who still have to act;
/// - void: `PUT /agreements/{id}/state` to `CANCELLED`.
///
/// The access token is sent as a bearer header and kept in this struct only; errors carry Adobe's
/// error code, never the request.
public struct AdobeSignProvider: SignatureProvider {
    public let kind = "adobe_sign"
    private let client: ServiceClient
    private let accessToken: String

    public init(settings: AdobeSignSettings, transport: any HTTPTransport = CurlTransport.shared) {
        self.client = ServiceClient(name: "adobe_sign", baseURL: settings.baseURL, internalAPIKey: nil, transport: transport,
                                    timeout: settings.timeout, retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(200)))
        self.accessToken = settings.accessToken
    }

    static let apiPrefix = "/api/rest/v6"

    // MARK: SignatureProvider

    public func send(_ envelope: SignatureEnvelope) async throws -> AgreementState {
        let boundary = "kisum-" + UUID().uuidString.lowercased()
        let upload: TransientDocument = try await call(
            "POST", "/transientDocuments", body: Self.multipart(envelope, boundary: boundary),
            contentType: "multipart/form-data; boundary=\(boundary)")

        let signing = envelope.signers.filter { $0.role != "cc" }
        let creation = AgreementCreation(
            fileInfos: [.init(transientDocumentId: upload.transientDocumentId)],
            name: String(envelope.title.prefix(255)),
            participantSetsInfo: signing.map { signer in
                .init(memberInfos: [.init(email: signer.email)], order: signer.signingOrder,
                      role: signer.role == "approver" ? "APPROVER" : "SIGNER", name: String(signer.name.prefix(255)))
            },
            ccs: envelope.signers.filter { $0.role == "cc" }.map { .init(email: $0.email) },
            signatureType: "ESIGN", state: "IN_PROCESS", message: envelope.message,
            expirationTime: envelope.expiresAt.map(Self.adobeDate), externalId: .init(id: envelope.contractID.uuidString.lowercased()))
        let created: AgreementCreated = try await call("POST", "/agreements", body: try Self.json(creation), contentType: "application/json")

        // Adobe processes the document asynchronously; the agreement is out for signature from here on.
        var signers: [String: String] = [:]
        for signer in envelope.signers { signers[signer.email] = "sent" }
        return AgreementState(agreementID: created.id, status: "sent", providerStatus: "OUT_FOR_SIGNATURE", signers: signers)
    }

    public func remind(agreementID: String, signers: [EnvelopeSigner], message: String?) async throws {
        let members: Members = try await call("GET", "/agreements/\(Self.escape(agreementID))/members")
        let waiting = (members.participantSets ?? [])
            .filter { Self.signerStatus($0.status) == "sent" }
            .flatMap { $0.memberInfos ?? [] }
            .compactMap(\.id)
        guard !waiting.isEmpty else { return }
        let reminder = ReminderCreation(recipientParticipantIds: waiting, status: "ACTIVE", note: message)
        try await exchange("POST", "/agreements/\(Self.escape(agreementID))/reminders", body: try Self.json(reminder),
                                        contentType: "application/json")
    }

    public func fetchState(agreementID: String) async throws -> AgreementState? {
        let agreement: AgreementInfo = try await call("GET", "/agreements/\(Self.escape(agreementID))")
        let members: Members = try await call("GET", "/agreements/\(Self.escape(agreementID))/members")
        return Self.state(agreementID: agreementID, agreementStatus: agreement.status, participantSets: members.participantSets ?? [])
    }

    public func cancel(agreementID: String, reason: String?) async throws {
        let update = StateUpdate(state: "CANCELLED", agreementCancellationInfo: .init(comment: reason, notifyOthers: true))
        try await exchange("PUT", "/agreements/\(Self.escape(agreementID))/state", body: try Self.json(update),
                                        contentType: "application/json")
    }

    // MARK: Mapping Adobe states to Venue's

    /// Participant-set status → signer status.
    static func signerStatus(_ status: String?) -> String {
        switch status?.uppercased() ?? "" {
        case "COMPLETED", "SIGNED", "APPROVED", "ACCEPTED", "DELIVERED", "FORM_FILLED", "ACKNOWLEDGED":
            return "signed"
        case "DECLINED", "REJECTED":
            return "declined"
        case "NOT_YET_VISIBLE", "WAITING_FOR_OTHERS", "":
            // Sequential signing: later signers have not been asked yet.
            return "pending"
        default:
            // WAITING_FOR_MY_SIGNATURE, WAITING_FOR_MY_APPROVAL, …: asked, not done.
            return "sent"
        }
    }

    /// Agreement status (plus its participants) → contract status.
    static func state(agreementID: String, agreementStatus: String, participantSets: [ParticipantSet]) -> AgreementState {
        var signers: [String: String] = [:]
        for set in participantSets {
            let status = signerStatus(set.status)
            for member in set.memberInfos ?? [] {
                if let email = member.email?.lowercased() { signers[email] = status }
            }
        }
        let anyDeclined = signers.values.contains("declined")
        let anySigned = signers.values.contains("signed")
        let status: String
        switch agreementStatus.uppercased() {
        case "SIGNED", "APPROVED", "ACCEPTED", "DELIVERED", "FORM_FILLED", "ACKNOWLEDGED":
            status = "signed"
        case "CANCELLED", "ABORTED":
            // Adobe reports a recipient's refusal and a sender's cancellation with the same word.
            status = anyDeclined ? "declined" : "voided"
        case "EXPIRED":
            status = "expired"
        default:
            status = anyDeclined ? "declined" : anySigned ? "partially_signed" : "sent"
        }
        return AgreementState(agreementID: agreementID, status: status, providerStatus: agreementStatus, signers: signers)
    }

    // MARK: HTTP

    /// A call whose 2xx answer is decoded as `Response`.
    private func call<Response: Decodable>(_ method: String, _ path: String, body: [UInt8]? = nil,
                                           contentType: String? = nil) async throws -> Response {
        let response = try await exchange(method, path, body: body, contentType: contentType)
        do {
            return try JSONDecoder().decode(Response.self, from: Data(response.body))
        } catch {
            throw SignatureProviderError.invalidResponse(provider: kind, reason: "\(method) \(path): \(error)")
        }
    }

    /// One request with the bearer token; anything but 2xx becomes a `SignatureProviderError`.
    @discardableResult
    private func exchange(_ method: String, _ path: String, body: [UInt8]? = nil,
                          contentType: String? = nil) async throws -> OutboundResponse {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(accessToken)")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let response: OutboundResponse
        do {
            response = try await client.send(method, Self.apiPrefix + path, body: body, headers: headers)
        } catch let error as ServiceClientError {
            throw SignatureProviderError.unavailable(provider: kind, reason: error.description)
        }
        switch response.status {
        case 200..<300:
            return response
        case 429, 500...:
            throw SignatureProviderError.unavailable(provider: kind, reason: "\(method) \(path) answered \(response.status)")
        default:
            let problem = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
            throw SignatureProviderError.rejected(provider: kind, status: response.status, reason: problem?.code ?? "HTTP_\(response.status)")
        }
    }

    static func json(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }

    /// Adobe's date-time format: RFC 3339 in UTC without fractional seconds.
    static func adobeDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The transient-document upload: `File-Name`, `Mime-Type` and the `File` part.
    static func multipart(_ envelope: SignatureEnvelope, boundary: String) -> [UInt8] {
        let name = envelope.fileName.replacingOccurrences(of: "\"", with: "")
        var body: [UInt8] = []
        func text(_ string: String) { body += Array(string.utf8) }
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"File-Name\"\r\n\r\n\(name)\r\n")
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"Mime-Type\"\r\n\r\napplication/pdf\r\n")
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"File\"; filename=\"\(name)\"\r\nContent-Type: application/pdf\r\n\r\n")
        body += Array(envelope.document.readableBytesView)
        text("\r\n--\(boundary)--\r\n")
        return body
    }

    // MARK: Wire types (Adobe's names)

    struct TransientDocument: Decodable { var transientDocumentId: String }

    struct AgreementCreation: Encodable {
        struct FileInfo: Encodable { var transientDocumentId: String }
        struct Member: Encodable { var email: String }
        struct ParticipantSetInfo: Encodable {
            var memberInfos: [Member]
            var order: Int
            var role: String
            var name: String
        }
        struct ExternalID: Encodable { var id: String }
        var fileInfos: [FileInfo]
        var name: String
        var participantSetsInfo: [ParticipantSetInfo]
        var ccs: [Member]
        var signatureType: String
        var state: String
        var message: String?
        var expirationTime: String?
        var externalId: ExternalID
    }

    struct AgreementCreated: Decodable { var id: String }
    struct AgreementInfo: Decodable { var status: String }

    struct Members: Decodable { var participantSets: [ParticipantSet]? }

    public struct ParticipantSet: Codable, Sendable {
        public struct Member: Codable, Sendable {
            public var id: String?
            public var email: String?
            public init(id: String?, email: String?) {
                self.id = id
                self.email = email
            }
        }
        public var id: String?
        public var role: String?
        public var order: Int?
        public var status: String?
        public var memberInfos: [Member]?
        public init(id: String?, role: String?, order: Int?, status: String?, memberInfos: [Member]?) {
            self.id = id
            self.role = role
            self.order = order
            self.status = status
            self.memberInfos = memberInfos
        }
    }

    struct ReminderCreation: Encodable {
        var recipientParticipantIds: [String]
        var status: String
        var note: String?
    }

    struct StateUpdate: Encodable {
        struct Cancellation: Encodable {
            var comment: String?
            var notifyOthers: Bool
        }
        var state: String
        var agreementCancellationInfo: Cancellation
    }

    struct ErrorBody: Decodable {
        var code: String?
        var message: String?
    }
}
