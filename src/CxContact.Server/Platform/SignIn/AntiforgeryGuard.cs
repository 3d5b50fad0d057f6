using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// A browser sends the session cookie with any request a page of another site makes it send, so every state-changing
/// request that the cookie authenticates must also carry the antiforgery token (header X-XSRF-TOKEN, from GET
/// /auth/antiforgery; the Hangfire dashboard sends it from its own page). Requests with an API key in the Authorization
/// header are not cookie-borne and are not checked. Only the header is read, never a form: an upload is not buffered to
/// look for a token.
/// </summary>
public static class AntiforgeryGuard
{
    public static void UseCxAntiforgery(this WebApplication app) =>
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method)
                || HttpMethods.IsTrace(http.Request.Method) || !Caller.IsPerson(http.User) || http.User.Identity?.AuthenticationType != SignInSchemes.Session)
            {
                await next(http);
                return;
            }
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (string.IsNullOrEmpty(http.Request.Headers[SignInSchemes.AntiforgeryHeader]) || !await antiforgery.IsRequestValidAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = 403, Title = "Antiforgery token missing or not valid",
                        Detail = $"A request signed in with the session cookie that changes something must send the {SignInSchemes.AntiforgeryHeader} header " +
                            "with the token from GET /auth/antiforgery (API keys in the Authorization header need none).",
                    },
                });
                return;
            }
            await next(http);
        });
}
