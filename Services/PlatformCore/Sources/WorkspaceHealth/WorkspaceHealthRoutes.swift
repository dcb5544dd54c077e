import Foundation
import Hummingbird
import KisumKernel

/// The Workspace Health group (`jwt+org`): the health check, `migrate`, and the migration's SSE stream.
struct WorkspaceHealthRoutes {
    let handlers: WorkspaceHealthHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/workspace-health")
        api.get("", use: handlers.get)
        api.post("migrate", use: handlers.migrate)
        api.get("migration/{job_id}/stream", use: handlers.stream)
    }
}
