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
