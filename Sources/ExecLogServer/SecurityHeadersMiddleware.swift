import HTTPTypes
import Hummingbird

/// The headers that keep other sites from using the page or the API through a browser, on every
/// answer, errors included: scripts and styles only from this server, no framing, no sniffing of
/// types, no referrer leaving for elsewhere, no reading of the answers by other origins.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// No inline script or style: everything the page runs comes from this server's files.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let headers: [HTTPField] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ].compactMap { name, value in HTTPField.Name(name).map { HTTPField(name: $0, value: value) } }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // JSONErrorMiddleware, inside this one, turns every error into an HTTPResponseError; should another
            // reach here, it is still an answer with the headers.
            response = try APIError(.internalServerError, "internal error: \(error)").response(from: request, context: context)
        }
        for field in Self.headers { response.headers[field.name] = field.value }
        return response
    }
}
