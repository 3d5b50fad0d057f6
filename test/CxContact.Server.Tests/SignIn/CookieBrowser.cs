using System.Net;
using System.Text.RegularExpressions;

namespace CxContact.Server.Tests.SignIn;

/// <summary>
/// Walks the sign-in over HTTP the way a browser would: follows redirects itself and keeps cookies itself. .NET's
/// CookieContainer will not send a Secure cookie over plain http (the test servers' scheme), and the session cookie is
/// Secure; this jar sends it like a browser on a loopback address does. Cookies are kept per host, not per port, as
/// browsers keep them. Every Set-Cookie header seen is kept for tests that check a cookie's attributes.
/// </summary>
public sealed partial class CookieBrowser : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Dictionary<(string Host, string Name), (string Value, string Path)> _jar = new();

    public List<string> SetCookies { get; } = [];

    /// <summary>The Accept header sent: problem details unless a test asks for pages.</summary>
    public string Accept { get; set; } = "application/json";

    public string? Cookie(string host, string name) => _jar.TryGetValue((host, name), out var c) ? c.Value : null;

    public void Forget(string host, string name) => _jar.Remove((host, name));

    public void Set(string host, string name, string value) => _jar[(host, name)] = (value, "/");

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var cookies = _jar.Where(c => c.Key.Host == uri.Host && uri.AbsolutePath.StartsWith(c.Value.Path, StringComparison.Ordinal))
            .Select(c => $"{c.Key.Name}={c.Value.Value}").ToList();
        if (cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", cookies));
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
            foreach (var header in set) Store(uri, header);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(Uri uri) => SendAsync(new HttpRequestMessage(HttpMethod.Get, uri));

    /// <summary>
    /// Follows redirects from <paramref name="start"/>, and signs in as <paramref name="login"/> when the provider shows
    /// its login form; returns the first answer that is neither (a page of ours, or a refusal).
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(Uri start, string login)
    {
        var response = await GetAsync(start);
        for (var hops = 0; hops < 20; hops++)
        {
            var at = response.RequestMessage!.RequestUri!;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect)
            {
                response = await GetAsync(new Uri(at, response.Headers.Location!));
                continue;
            }
            var body = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "";
            if (!body.Contains("name=\"login\"")) return response;
            var action = FormAction().Match(body).Groups[1].Value;
            response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(at, WebUtility.HtmlDecode(action)))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["prompt"] = "login", ["login"] = login }),
            });
        }
        throw new InvalidOperationException("the sign-in went round in circles");
    }

    private void Store(Uri uri, string header)
    {
        SetCookies.Add(header);
        var parts = header.Split(';').Select(p => p.Trim()).ToList();
        var eq = parts[0].IndexOf('=');
        var (name, value) = (parts[0][..eq], parts[0][(eq + 1)..]);
        var path = parts.Skip(1).FirstOrDefault(p => p.StartsWith("path=", StringComparison.OrdinalIgnoreCase))?[5..] ?? "/";
        var expired = parts.Any(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(p[8..], out var at) && at < DateTimeOffset.UtcNow) || parts.Any(p => p.Equals("max-age=0", StringComparison.OrdinalIgnoreCase));
        if (expired || value.Length == 0) _jar.Remove((uri.Host, name));
        else _jar[(uri.Host, name)] = (value, path);
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    public void Dispose() => _http.Dispose();
}
