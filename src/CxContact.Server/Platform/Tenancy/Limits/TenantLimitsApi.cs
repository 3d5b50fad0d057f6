using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Platform.Tenancy.Limits;

/// <summary>
/// /api/v1/tenants/{id}/limits: a system admin sets a tenant's own limits (null fields take the platform's default);
/// the tenant's keys may read them, and see what applies to them in GET /me. A tenant cannot raise its own limits.
/// </summary>
public static class TenantLimitsApi
{
    public sealed record TenantLimitsView(Guid TenantId, TenantLimits Own, EffectiveLimits Effective);

    public static void MapTenantLimitsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/tenants/{tenantId:guid}/limits").WithTags("Tenants");

        g.MapGet("/", async Task<Results<Ok<TenantLimitsView>, ProblemHttpResult>> (
            Guid tenantId, TenantStore tenants, TenantLimitsStore limits, CancellationToken ct) =>
        {
            if (await tenants.GetTenantAsync(tenantId, ct) is null || tenantId == Tenant.SystemId) return TenantsApi.NotFound(tenantId);
            return TypedResults.Ok(await ViewAsync(tenantId, limits, ct));
        }).RequireAuthorization(Policies.TenantOrSystemReader).WithSummary("The tenant's own limits and the ones in force");

        g.MapPut("/", async Task<Results<Ok<TenantLimitsView>, ValidationProblem, ProblemHttpResult>> (
            Guid tenantId, TenantLimits body, HttpContext http, TenantStore tenants, TenantLimitsStore limits, CancellationToken ct) =>
        {
            var errors = body.Validate();
            if (errors.Any) return errors.ToProblem();
            if (await tenants.GetTenantAsync(tenantId, ct) is null || tenantId == Tenant.SystemId) return TenantsApi.NotFound(tenantId);
            await limits.SetAsync(tenantId, body, Caller.From(http.User).KeyId, ct);
            return TypedResults.Ok(await ViewAsync(tenantId, limits, ct));
        }).RequireAuthorization(Policies.SystemAdmin)
          .WithSummary("Replace a tenant's own limits (system admins only; a null field takes the platform's default)");
    }

    private static async Task<TenantLimitsView> ViewAsync(Guid tenantId, TenantLimitsStore limits, CancellationToken ct) =>
        new(tenantId, await limits.GetAsync(tenantId, ct), await limits.EffectiveAsync(tenantId, ct));
}
