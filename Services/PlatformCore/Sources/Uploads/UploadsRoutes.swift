import Foundation
import Hummingbird
import KisumKernel

/// The Uploads group: `GET /api/v1/uploads/{path}` (`jwt`) serves a stored file by its storage path. The path may
/// arrive with its `/` as they are or encoded as `%2F` (one segment, as the contract's single parameter is sent), so
/// the route takes the rest of the URL.
struct UploadsRoutes {
    let uploads: UploadHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let files = groups.user("/api/v1/uploads")
        files.get("**", use: uploads.serve)
    }
}
