using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CxContact.Server.Platform.SignIn;

public static class SignInHosting
{
    /// <summary>
    /// Which scheme judges a request: one with an Authorization header by its key only (a machine never rides on a
    /// cookie); the Hangfire dashboard's key cookie by the key; otherwise the person's session cookie when sign-in is on.
    /// </summary>
    public static string SchemeFor(HttpContext http)
    {
        if (http.Request.Headers.ContainsKey("Authorization")) return ApiKeyAuthenticationHandler.SchemeName;
        if (http.Request.Path.StartsWithSegments("/hangfire") && http.Request.Cookies.ContainsKey(ApiKeyAuthenticationHandler.DashboardCookie))
            return ApiKeyAuthenticationHandler.SchemeName;
        return http.RequestServices.GetRequiredService<PlatformSettings>().Oidc is not null && http.Request.Cookies.ContainsKey(SignInSchemes.SessionCookie)
            ? SignInSchemes.Session : ApiKeyAuthenticationHandler.SchemeName;
    }

    /// <summary>
    /// With CXC_PUBLIC_URL set, every request is taken as made to that address: TLS ends at the ingress, yet the sign-in's
    /// redirect address is https and cookies are Secure. The operator's setting, never a header a client could forge.
    /// </summary>
    public static void UseCxPublicOrigin(this WebApplication app, PlatformSettings settings)
    {
        if (settings.Oidc?.PublicUrl is not { } origin) return;
        app.Use((http, next) =>
        {
            http.Request.Scheme = origin.Scheme;
            http.Request.Host = HostString.FromUriComponent(origin);
            return next(http);
        });
    }

    public static void AddCxSignIn(this IServiceCollection services, PlatformSettings settings)
    {
        // Always on: the Hangfire dashboard checks it for every form it posts (its key cookie is a cookie too).
        services.AddAntiforgery(o =>
        {
            o.HeaderName = SignInSchemes.AntiforgeryHeader;
            o.Cookie.Name = SignInSchemes.AntiforgeryCookie;
            // Always would refuse to issue a token over http at all, and the dev run and the tests speak http on loopback.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            // The security headers say DENY already; antiforgery would otherwise add SAMEORIGIN beside it.
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddSingleton<GroupRoleStore>();
        if (settings.Oidc is not { } oidc) return;

        services.AddSingleton<EndedSessions>();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<PersonSignIn>();
        services.AddAuthentication()
            .AddCookie(SignInSchemes.Session, o =>
            {
                o.Cookie.Name = SignInSchemes.SessionCookie;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = oidc.IdleTimeout;
                o.SlidingExpiration = true;
                // An API answers 401 and 403 (problem details, written by the authorization handler), never a redirect.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 403; return Task.CompletedTask; };
                o.Events.OnValidatePrincipal = c => c.HttpContext.RequestServices.GetRequiredService<SessionValidator>().ValidateAsync(c);
            })
            .AddOpenIdConnect(SignInSchemes.Oidc, o =>
            {
                o.Authority = oidc.Authority.ToString();
                o.RequireHttpsMetadata = oidc.Authority.Scheme == Uri.UriSchemeHttps;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                // The answer comes back as a top-level GET, which carries the SameSite=Lax correlation and nonce cookies;
                // form_post would need them SameSite=None.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.CallbackPath = "/auth/callback";
                o.SignedOutCallbackPath = "/auth/signed-out";
                o.Scope.Clear();
                foreach (var scope in oidc.Scopes) o.Scope.Add(scope);
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.ClaimActions.MapJsonKey(oidc.GroupsClaim, oidc.GroupsClaim);
                // Only the session's own claims go into the cookie; the provider's tokens are not kept.
                o.SaveTokens = false;
                o.SignInScheme = SignInSchemes.Session;
                o.TokenValidationParameters.NameClaimType = "name";
                o.Events.OnTicketReceived = c => c.HttpContext.RequestServices.GetRequiredService<PersonSignIn>().OnTicketReceivedAsync(c);
                o.Events.OnRemoteFailure = c => c.HttpContext.RequestServices.GetRequiredService<PersonSignIn>().OnRemoteFailureAsync(c);
            });
    }
}
