namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Security headers on every answer. The console and the API get a strict Content-Security-Policy: scripts only from
/// this origin and no inline script ('wasm-unsafe-eval' lets the WebAssembly runtime compile, nothing more), inline
/// styles only (MudBlazor sets style attributes), no framing, no plugins, API calls to this origin only. The Hangfire
/// dashboard and the API reference page carry inline scripts of their own: they keep the frame and sniffing rules.
/// Over HTTPS, Strict-Transport-Security as well. A dozen fixed headers do not need a package (such as NetEscapades.AspNetCore.SecurityHeaders).
/// </summary>
public static class SecurityHeaders
{
    public const string ConsolePolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string FramingOnly = "frame-ancestors 'none'";

    public static void UseCxSecurityHeaders(this WebApplication app) =>
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            var path = http.Request.Path;
            var ownScripts = path.StartsWithSegments("/hangfire") || path.StartsWithSegments("/api-reference");
            headers.ContentSecurityPolicy = ownScripts ? FramingOnly : ConsolePolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            // Only on HTTPS (directly, or as a trusted proxy's X-Forwarded-Proto says): a browser ignores it over HTTP,
            // and a plain-HTTP development server must stay reachable.
            if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
            return next(http);
        });
}
