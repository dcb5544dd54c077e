import HTTPTypes
import Hummingbird
import NIOCore

extension WireJSONEncoder: ResponseEncoder {
    /// A handler's return value as a 200 `application/json` response (handlers choose other statuses
    /// with `EditedResponse`).
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let bytes = try encodeBytes(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
