using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace CxContact.Server.Platform.Auth;

/// <summary>
/// Turns "no key" into a 401 and "wrong role" into a 403, both as RFC 7807 problem details that say what was
/// missing, instead of the framework's empty responses.
/// </summary>
public sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems, Hosting.PlatformSettings settings) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        // A person opening the Hangfire dashboard without a session is sent to sign in, and comes back to where they were.
        if (result.Challenged && settings.Oidc is not null && context.Request.Path.StartsWithSegments("/hangfire")
            && HttpMethods.IsGet(context.Request.Method) && !context.Request.Headers.ContainsKey("Authorization"))
        {
            context.Response.Redirect("/auth/login?returnUrl=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            return;
        }
        if (result.Challenged)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = 401, Title = settings.Oidc is null ? "An API key is required" : "An API key or a signed-in session is required",
                    Detail = context.Items[ApiKeyAuthenticationHandler.FailureItem] as string ?? "Send \"Authorization: Bearer <key>\".",
                },
            });
            return;
        }
        if (result.Forbidden)
        {
            var allowed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToList();
            var role = context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "none";
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = 403, Title = "This key may not do that",
                    Detail = allowed.Count > 0
                        ? $"This needs a key with role {string.Join(" or ", allowed)}; this key has role {role}."
                        : "This key is not allowed to do that.",
                },
            });
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
