import ExecLogStore
import Hummingbird
import Logging

/// Every failure answers as JSON (`APIError`), whatever threw it, and the server goes on serving: a
/// store failure (SQLite busy, I/O, a row edited by hand) is a 500, Hummingbird's own errors (no such
/// route: 404) keep their status, anything else is a 500 that is logged.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as StoreError {
            throw ExecutionRoutes.apiError(error)
        } catch let error as HTTPError {
            let message = error.body ?? Self.message(for: error.status, request: request)
            var answer = APIError(error.status, message)
            answer.headers = error.headers
            throw answer
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, "internal error: \(error)")
        }
    }

    private static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no such endpoint: \(request.method) \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}
