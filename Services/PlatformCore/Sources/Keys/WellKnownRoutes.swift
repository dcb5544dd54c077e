import Foundation
import Hummingbird
import KisumKernel

/// `GET /.well-known/jwks.json`: the active, standby and recently retired public keys. Other services'
/// `JWKSKeySource` caches it and refetches on an unknown `kid`.
struct WellKnownRoutes {
    let keys: KeyStore

    func addRoutes(to groups: PlatformRouteGroups) {
        let wellKnown = groups.open("/.well-known")
        wellKnown.get("jwks.json", use: jwks)
    }

    @Sendable func jwks(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let body = try JSONCoding.encoder.encode(try await keys.jwks())
        return Response(status: .ok,
                        headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
