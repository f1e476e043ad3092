import ExecLogModel
import Foundation
import Hummingbird

/// An API failure answered as JSON: `{"error": "one line", "parameter": "limit"}` (`parameter` only when
/// one parameter is to blame).
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    public var parameter: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, parameter: String? = nil) {
        self.status = status
        self.message = message
        self.parameter = parameter
    }

    /// 400 for a parameter, with a message that names it.
    public static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, message, parameter: name)
    }

    /// `{"error": "…", "parameter": "…"}`, keys sorted.
    var jsonBody: [UInt8] {
        var members: [String: JSONValue] = ["error": .string(message)]
        if let parameter { members["parameter"] = .string(parameter) }
        return JSONValue.object(members).serializedBytes()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = APIEncoding.jsonResponse(data: Data(jsonBody), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
