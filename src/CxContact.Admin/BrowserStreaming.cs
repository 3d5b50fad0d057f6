using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace CxContact.Admin;

/// <summary>
/// The browser's fetch hands a response to .NET only once it is complete unless told to stream it: a server-sent-events
/// stream (a path ending in /stream) would never arrive. Every other response is read whole.
/// </summary>
public sealed class BrowserStreaming : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri?.AbsolutePath.EndsWith("/stream", StringComparison.Ordinal) == true) request.SetBrowserResponseStreamingEnabled(true);
        return base.SendAsync(request, ct);
    }
}
