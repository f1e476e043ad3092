import Hummingbird
import Logging

/// Answers 421 to a request whose `Host` the server is not served as (``HostAllowList``), before any
/// handler reads the store.
struct HostCheckMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let allowList: HostAllowList

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let host = request.head.authority
        guard allowList.allows(hostHeader: host) else {
            let name = host.map(HostAllowList.bareHost) ?? ""
            context.logger.warning("refused a request for another host", metadata: ["host": "\(host ?? "")"])
            throw APIError(
                .misdirectedRequest,
                "this server is not served as \(name.debugDescription): start execlog serve with --allowed-host \(name) if it should be (docs/SECURITY.md)")
        }
        return try await next(request, context)
    }
}
