namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// The admin console the api silos serve at the site root, beside the API. Its files are static web assets, served
/// by MapStaticAssets from the build's or the publish's endpoint manifest: precompressed (Brotli, gzip) by content
/// negotiation, fingerprinted copies cached for good, the same in a build and in a published image. A console route
/// (/lists, /campaigns/…) is the console's index.html, so a reload or a bookmark opens the page the client-side router
/// then shows; the server's own paths are never rewritten.
/// </summary>
public static class StaticSite
{
    /// <summary>Paths the server answers itself: the API and its document, health, metrics, the dashboards, OCS, sign-in.</summary>
    private static readonly string[] ServerPaths = ["/api", "/openapi", "/api-reference", "/health", "/metrics", "/hangfire", "/ocs", "/auth", "/_framework", "/_content"];

    /// <summary>Before routing: maps console routes onto the index file the asset endpoints serve.</summary>
    public static void UseStaticSitePaths(this WebApplication app) =>
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            // The console lived under /console/ while it grew beside the first UI: old bookmarks land on the same page.
            if (path.StartsWithSegments("/console", out var rest))
            {
                http.Response.Redirect((rest.HasValue ? rest.Value : "/") + http.Request.QueryString, permanent: true);
                return Task.CompletedTask;
            }
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                if (path == "/" || (!Path.HasExtension(path.Value) && !ServerPaths.Any(p => path.StartsWithSegments(p))))
                    http.Request.Path = "/index.html";
            return next(http);
        });
}
