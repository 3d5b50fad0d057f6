using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The console is the site: "/" and any console route (a reload of /campaigns/…) answer its index.html; the server's
/// own paths are never swallowed by it (an unknown API path is the API's 404 problem, not a page); the console's old
/// /console/ addresses redirect to the same page at the root; its files are served as themselves; and every answer
/// carries the security headers (a Content-Security-Policy without inline scripts, nosniff, no framing).
/// </summary>
public sealed class StaticSiteTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Console_routes_are_its_index_and_server_paths_stay_the_servers()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.BaseAddress };
        foreach (var path in new[] { "/", "/lists", "/campaigns/0195f0e4-0000-7000-8000-000000000000/why/0195f0e4-0000-7000-8000-000000000001" })
        {
            var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<base href=\"/\" />", await page.Content.ReadAsStringAsync());
        }

        var moved = await http.GetAsync("/console/lists?x=1");
        Assert.Equal((HttpStatusCode.MovedPermanently, "/lists?x=1"), (moved.StatusCode, moved.Headers.Location?.OriginalString));

        var api404 = await http.GetAsync("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api404.StatusCode);
        Assert.NotEqual("text/html", api404.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal("application/json", (await http.GetAsync("/openapi/v1.json")).Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", (await http.GetAsync("/css/console.css")).Content.Headers.ContentType?.MediaType);

        // The console and the API answer with a strict policy: no inline script, no framing, no sniffing.
        foreach (var path in new[] { "/", "/api/v1/me" })
        {
            var r = await http.GetAsync(path);
            var csp = r.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self' 'wasm-unsafe-eval';", csp);
            Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        }
        // The index has no inline script for that policy to block.
        Assert.DoesNotMatch("<script>(?!</script>)", await http.GetStringAsync("/"));
    }
}
