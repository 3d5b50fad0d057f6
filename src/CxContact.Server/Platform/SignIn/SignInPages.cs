using System.Text.Encodings.Web;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// The few answers of the sign-in round trip. A browser gets a small page (no script: the console's CSP forbids inline
/// script); anything else RFC 7807 problem details, so a script driving the sign-in reads the same facts.
/// </summary>
public static class SignInPages
{
    public sealed record TenantChoice(Guid Id, string Name, string Role, string SignInUrl);

    public static Task RefusedAsync(HttpContext http, int status, string title, string detail) =>
        WantsHtml(http)
            ? HtmlAsync(http, status, title, $"<p>{E(detail)}</p><p><a href=\"/\">Back to the sign-in page</a></p>")
            : Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(http);

    public static Task ChooseAsync(HttpContext http, IReadOnlyList<TenantChoice> choices)
    {
        const string title = "Choose a tenant";
        const string detail = "Your groups give you a role in more than one tenant; choose the one to sign in to.";
        if (!WantsHtml(http))
            return Results.Problem(statusCode: 409, title: title, detail: detail,
                extensions: new Dictionary<string, object?> { ["tenants"] = choices }).ExecuteAsync(http);
        var items = string.Join("", choices.Select(c =>
            $"<li><a href=\"{E(c.SignInUrl)}\" data-tenant=\"{c.Id}\">{E(c.Name)}</a> as {E(c.Role)}</li>"));
        return HtmlAsync(http, 200, title, $"<p>{E(detail)}</p><ul>{items}</ul>");
    }

    /// <summary>
    /// The page the identity provider's redirect lands on. The session cookie is SameSite=Strict, and a browser does not
    /// send it on a navigation that a cross-site redirect started; a refresh from this page of our own is a same-site
    /// navigation, so the next page (the Hangfire dashboard, say) gets the cookie.
    /// </summary>
    public static Task SignedInAsync(HttpContext http, string returnUrl) =>
        HtmlAsync(http, 200, "Signed in",
            $"<p>Signed in. <a href=\"{E(returnUrl)}\" data-testid=\"continue\">Continue</a></p>",
            $"<meta http-equiv=\"refresh\" content=\"0;url={E(returnUrl)}\">");

    private static bool WantsHtml(HttpContext http) =>
        http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static string E(string s) => HtmlEncoder.Default.Encode(s);

    private static async Task HtmlAsync(HttpContext http, int status, string title, string body, string head = "")
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(title)} · CX Contact</title>{head}</head>
            <body><main><h1>{E(title)}</h1>{body}</main></body></html>
            """);
    }
}
