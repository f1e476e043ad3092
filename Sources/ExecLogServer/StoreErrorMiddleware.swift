import ExecLogStore
import Hummingbird

/// Turns a store failure that reached a handler (SQLite busy, I/O) into a JSON 500 instead of an empty one.
struct StoreErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as StoreError {
            throw APIError(.internalServerError, error.description)
        }
    }
}
