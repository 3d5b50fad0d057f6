namespace CxContact.Admin;

/// <summary>
/// Sends the session's antiforgery token (X-XSRF-TOKEN) with every request that changes something. A person signed in
/// with single sign-on is authenticated by a cookie the browser adds by itself, so the server asks every change to prove
/// it comes from this console; a request with an API key needs no token and gets none.
/// </summary>
public sealed class AntiforgeryHandler : DelegatingHandler
{
    public const string HeaderName = "X-XSRF-TOKEN";

    /// <summary>The token of the signed-in session (GET /auth/antiforgery), or null when signed in with a key.</summary>
    public string? Token { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (Token is not null && request.Headers.Authorization is null && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head
            && request.Method != HttpMethod.Options)
            request.Headers.TryAddWithoutValidation(HeaderName, Token);
        return base.SendAsync(request, ct);
    }
}
