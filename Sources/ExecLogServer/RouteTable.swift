import Hummingbird

/// Registers the server's handlers and remembers the methods of each path, so that every path also
/// answers the methods it has no handler for: HEAD as GET without the body (Hummingbird's
/// `autoGenerateHeadEndpoints`), OPTIONS with 204 and `Allow`, any other method with 405 and `Allow`
/// — a JSON error, never the 404 of a path that does not exist.
struct RouteTable {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    /// The methods answered with 405 where a path has no handler for them.
    static let refusedMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    let router: Router<BasicRequestContext>
    private var methods: [(path: String, methods: [HTTPRequest.Method])] = []

    init(router: Router<BasicRequestContext>) {
        self.router = router
    }

    mutating func get(_ path: String, use handler: @escaping Handler) { on(path, .get, handler) }
    mutating func delete(_ path: String, use handler: @escaping Handler) { on(path, .delete, handler) }

    mutating func on(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping Handler) {
        router.on(RouterPath(path), method: method, use: handler)
        if let index = methods.firstIndex(where: { $0.path == path }) {
            methods[index].methods.append(method)
        } else {
            methods.append((path, [method]))
        }
    }

    /// Adds OPTIONS and the 405 answers; call once, after every handler.
    func finish() {
        for (path, methods) in methods {
            let allow = Self.allowHeader(methods)
            router.on(RouterPath(path), method: .options) { _, _ in
                var response = Response(status: .noContent)
                response.headers[.allow] = allow
                return response
            }
            for method in Self.refusedMethods where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    var error = APIError(
                        .methodNotAllowed, "method \(request.method) is not allowed on \(request.uri.path): use \(allow)")
                    error.headers[.allow] = allow
                    throw error
                }
            }
        }
    }

    /// `GET, HEAD, DELETE, OPTIONS`: HEAD wherever GET is, OPTIONS everywhere.
    static func allowHeader(_ methods: [HTTPRequest.Method]) -> String {
        (methods.flatMap { $0 == .get ? [.get, .head] : [$0] } + [.options]).map(\.rawValue).joined(separator: ", ")
    }
}
