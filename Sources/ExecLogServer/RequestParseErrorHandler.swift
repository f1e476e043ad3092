import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// A request that NIO cannot parse (a query of 100 KB, past the 80 KiB limit on the request line and
/// headers, or a broken header) is answered as every other bad request is: 400 with a JSON error
/// (`APIError`'s form), then the connection is closed. Hummingbird would answer it with an empty body.
final class RequestParseErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A response has begun and not ended: a second one cannot be written on this connection.
    private var responding = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responding = true
        case .end: responding = false
        case .body: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !responding else {
            context.close(promise: nil)
            return
        }
        let message =
            parserError == .headerOverflow
            ? "request too large: the URL and headers must stay under 80 KiB"
            : "malformed HTTP request (\(parserError))"
        let body = ByteBuffer(bytes: APIError(.badRequest, message).jsonBody)
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = "\(body.readableBytes)"
        head.headerFields[.connection] = "close"
        head.headerFields[.cacheControl] = "no-store"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        // Closed once the answer is written; the context belongs to the event loop the callback runs on.
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
