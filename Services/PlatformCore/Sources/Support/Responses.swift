import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// A plain acknowledgement (`{"message": "…"}`) for operations whose spec returns only a status text.
public struct MessageResponse: ResponseEncodable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

extension ResponseEncodable {
    /// The same body with 201 Created.
    func created() -> EditedResponse<Self> {
        EditedResponse(status: .created, response: self)
    }
}

extension Request {
    /// The client's address: the peer, or with `trustedProxies` proxies in front, the entry of
    /// `X-Forwarded-For` the outermost trusted proxy appended (entries further left are client-controlled).
    func clientAddress(context: some KisumRequestContext, trustedProxies: Int) -> String? {
        guard trustedProxies > 0 else { return context.kisum.remoteAddress }
        let forwarded = headers[values: .xForwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard forwarded.count >= trustedProxies else { return forwarded.first ?? context.kisum.remoteAddress }
        return String(forwarded[forwarded.count - trustedProxies].prefix(64))
    }

    var userAgent: String? {
        headers[.userAgent].map { String($0.prefix(512)) }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xClerkSecret = HTTPField.Name("X-Clerk-Secret")!
    static let xTotalCount = HTTPField.Name("X-Total-Count")!
}

extension Parameters {
    /// A path id naming a user: malformed ids answer 404 like unknown ones.
    func userID(_ name: String = "user_id") throws -> UUID {
        try uuid(name, what: "user")
    }
}
