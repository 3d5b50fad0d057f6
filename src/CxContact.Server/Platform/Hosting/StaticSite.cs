namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// The pages the api silos serve beside the API: the admin console at /console/ (Blazor WebAssembly) and the first
/// UI at /. Their files are static web assets, served by MapStaticAssets from the build's or the publish's endpoint
/// manifest: precompressed (Brotli, gzip) by content negotiation, fingerprinted copies cached for good, and the same
/// in a build and in a published image. A console route (/console/lists) is the console's index.html, so a reload or a
/// bookmark opens the page the client-side router then shows.
/// </summary>
public static class StaticSite
{
    /// <summary>Before routing: maps the page paths onto the index files the asset endpoints serve.</summary>
    public static void UseStaticSitePaths(this WebApplication app) =>
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            if (path == "/") http.Request.Path = "/index.html";
            else if (path.StartsWithSegments("/console", out var rest) && !Path.HasExtension(rest.Value ?? ""))
                http.Request.Path = "/console/index.html";
            return next(http);
        });
}
