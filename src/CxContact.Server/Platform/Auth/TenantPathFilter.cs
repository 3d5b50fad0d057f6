
namespace CxContact.Server.Platform.Auth;

/// <summary>
/// For routes with {tenantId}: a key may only name its own tenant (a system admin may name any). The tenant always
/// comes from the key; a tenant id in the path is a cross-check, and a mismatch is refused, never followed.
/// </summary>
public sealed class TenantPathFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var raw = http.GetRouteValue("tenantId") as string;
        if (raw is null) return await next(context);
        if (!Guid.TryParse(raw, out var tenantId))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["tenantId"] = [$"\"{raw}\" is not a tenant id (a UUID)"] });

        var caller = Caller.From(http.User);
        if (!caller.IsSystemAdmin && caller.TenantId != tenantId)
            return TypedResults.Problem(statusCode: 403, title: "Another tenant's data",
                detail: $"This key belongs to tenant {caller.TenantId}; it cannot act on tenant {tenantId}.");
        return await next(context);
    }
}
