import Foundation
import Hummingbird
import KisumKernel

/// Reads the caller's address and user agent (sessions, rate limits and the refresh grace window). Behind
/// `TRUSTED_PROXY_COUNT` proxies the address comes from `X-Forwarded-For`, so every handler asking must
/// agree on that count: they all hold the same reader.
struct ClientInfoReader: Sendable {
    let trustedProxies: Int

    func read(_ request: Request, _ context: PlatformRequestContext) -> ClientInfo {
        ClientInfo(ip: request.clientAddress(context: context, trustedProxies: trustedProxies), userAgent: request.userAgent)
    }
}
