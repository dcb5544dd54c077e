import Foundation
import Hummingbird
import KisumKernel

extension Parameters {
    /// A numeric path id (Admin's `venueId`); anything else names nothing → 404.
    func positiveInt(_ name: String, what: String) throws -> Int {
        guard let text = get(name), let value = Int(text), value > 0 else { throw APIError.notFound(what) }
        return value
    }
}

extension QueryReader {
    /// A comma-separated list of 1…`max` UUIDs (`spaceId=a,b`); nil when absent. Typed like `uuid`: sent
    /// empty (`?spaceId=`), with an empty item (`a,,b`, `a,`) or with anything but UUIDs it is refused
    /// (400 `invalid_query`) rather than read as "no filter".
    mutating func uuidList(_ name: String, in request: Request, max: Int) -> [UUID]? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let ids = parts.compactMap { UUID(uuidString: String($0)) }
        guard ids.count == parts.count, ids.count <= max else {
            // Report through the reader's own issue list so all bad parameters come back together.
            add(name, "invalid_uuid", "Must be a UUID or a comma-separated list of at most \(max) UUIDs.")
            return nil
        }
        return ids
    }
}
