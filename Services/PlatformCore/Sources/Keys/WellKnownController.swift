import Foundation
import Hummingbird
import KisumKernel

/// `GET /.well-known/jwks.json`: the active, standby and recently retired public keys. Other services'
/// `JWKSKeySource` caches it and refetches on an unknown `kid`.
struct WellKnownController {
    let core: PlatformServices

    func addRoutes(to router: Router<PlatformRequestContext>) {
        let keys = core.keys
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let jwks = try await keys.jwks()
            let body = try JSONCoding.encoder.encode(jwks)
            return Response(status: .ok,
                            headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
