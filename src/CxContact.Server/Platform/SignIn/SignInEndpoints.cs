using CxContact.Server.Platform.Audit;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// /auth: where a browser signs a person in and out. Outside /api/v1 because these are browser navigations and cookie
/// plumbing, not API operations; machines keep using keys.
/// </summary>
public static class SignInEndpoints
{
    public sealed record SignInConfig(bool SingleSignOn, string? SignInUrl, string SignOutUrl);
    public sealed record AntiforgeryToken(string HeaderName, string Token);
    public sealed record SignedOut(string? EndSessionUrl);

    public static void MapCxSignIn(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").ExcludeFromDescription();

        // Anonymous: the console's sign-in page asks whether to offer single sign-on.
        auth.MapGet("/config", (PlatformSettings settings) =>
            TypedResults.Ok(new SignInConfig(settings.Oidc is not null, settings.Oidc is null ? null : "/auth/login", "/auth/logout")));

        auth.MapGet("/login", async (HttpContext http, PlatformSettings settings, string? tenant, string? returnUrl) =>
        {
            if (settings.Oidc is null)
            {
                await SignInPages.RefusedAsync(http, 404, "Single sign-on is not configured", "This platform signs in with API keys only (CXC_OIDC_AUTHORITY is not set).");
                return;
            }
            var properties = new AuthenticationProperties { RedirectUri = "/auth/signed-in" };
            properties.Items[SignInSchemes.ReturnItem] = ReturnUrls.Local(returnUrl);
            if (!string.IsNullOrWhiteSpace(tenant)) properties.Items[SignInSchemes.TenantItem] = tenant.Trim()[..Math.Min(tenant.Trim().Length, 200)];
            await http.ChallengeAsync(SignInSchemes.Oidc, properties);
        });

        auth.MapGet("/signed-in", (HttpContext http, string? returnUrl) => SignInPages.SignedInAsync(http, ReturnUrls.Local(returnUrl)));

        // The token a cookie session sends back in X-XSRF-TOKEN on every change; bound to the person by the antiforgery system.
        auth.MapGet("/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(new AntiforgeryToken(tokens.HeaderName!, tokens.RequestToken!));
        }).RequireAuthorization(Policies.AnyKey);

        // POST only (a link or image cannot sign someone out), with the antiforgery token like every change of a session.
        auth.MapPost("/logout", async (HttpContext http, PlatformSettings settings, GroupRoleStore store, EndedSessions ended,
            NpgsqlDataSource db, IOptionsMonitor<OpenIdConnectOptions> oidcOptions) =>
        {
            string? endSessionUrl = null;
            if (Caller.IsPerson(http.User) && Guid.TryParse(http.User.FindFirst(CxClaims.SessionId)?.Value, out var sessionId))
            {
                var caller = Caller.From(http.User);
                ended.Add(sessionId);
                await store.EndSessionAsync(caller.TenantId, sessionId, CancellationToken.None);
                await AuditTrail.RecordAsync(db, caller.TenantId, caller.KeyId, "sign-out", http.User.FindFirst(CxClaims.Subject)?.Value,
                    new { session = sessionId }, CancellationToken.None);
                endSessionUrl = await EndSessionUrlAsync(http, settings, oidcOptions);
            }
            await http.SignOutAsync(SignInSchemes.Session);
            return TypedResults.Ok(new SignedOut(endSessionUrl));
        });
    }

    /// <summary>
    /// The identity provider's end-session address (RP-initiated logout), when it has one: the console goes there after
    /// signing out, so the provider's own session ends too and the next sign-in asks for the password again.
    /// </summary>
    private static async Task<string?> EndSessionUrlAsync(HttpContext http, PlatformSettings settings, IOptionsMonitor<OpenIdConnectOptions> options)
    {
        if (settings.Oidc is null) return null;
        var o = options.Get(SignInSchemes.Oidc);
        try
        {
            var config = await o.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            if (string.IsNullOrEmpty(config.EndSessionEndpoint)) return null;
            var back = $"{http.Request.Scheme}://{http.Request.Host}/";
            return $"{config.EndSessionEndpoint}{(config.EndSessionEndpoint.Contains('?') ? '&' : '?')}client_id={Uri.EscapeDataString(settings.Oidc.ClientId)}" +
                $"&post_logout_redirect_uri={Uri.EscapeDataString(back)}";
        }
        catch (InvalidOperationException)
        {
            // The provider's discovery document cannot be read now: the session here has ended all the same.
            return null;
        }
    }
}
