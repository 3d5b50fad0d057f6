using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// /api/v1/tenants/{tenantId}/group-roles: the tenant's sign-in mapping, from the identity provider's groups to the
/// tenant's roles. A tenant admin keeps their own; a system admin any tenant's, and the system tenant's (system-admin).
/// </summary>
public static class GroupRolesApi
{
    public sealed record GroupRolesRequest(IReadOnlyList<GroupRoleRequest?>? Mappings);
    /// <summary>The mapping, and whether people can sign in at all (single sign-on configured on the platform).</summary>
    public sealed record GroupRolesView(IReadOnlyList<GroupRole> Mappings, bool SingleSignOn);

    public static void MapGroupRolesApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/tenants/{tenantId:guid}/group-roles").WithTags("Tenants").RequireAuthorization(Policies.TenantOrSystemAdmin);

        g.MapGet("/", async Task<Results<Ok<GroupRolesView>, ProblemHttpResult>> (
            Guid tenantId, TenantStore tenants, GroupRoleStore store, Hosting.PlatformSettings platform, CancellationToken ct) =>
        {
            if (await tenants.GetTenantAsync(tenantId, ct) is null) return TenantsApi.NotFound(tenantId);
            return TypedResults.Ok(new GroupRolesView(await store.ListAsync(tenantId, ct), platform.Oidc is not null));
        }).WithSummary("The tenant's sign-in mapping: which identity provider groups sign in with which role");

        g.MapPut("/", async Task<Results<Ok<GroupRolesView>, ValidationProblem, ProblemHttpResult>> (
            Guid tenantId, GroupRolesRequest body, HttpContext http, TenantStore tenants, GroupRoleStore store,
            Hosting.PlatformSettings platform, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var mappings = GroupRolesRules.Validate(body.Mappings, tenantId == Tenant.SystemId, errors);
            if (errors.Any) return errors.ToProblem();
            if (await tenants.GetTenantAsync(tenantId, ct) is null) return TenantsApi.NotFound(tenantId);
            await store.ReplaceAsync(tenantId, mappings, Caller.From(http.User).KeyId, ct);
            http.RequestServices.GetService<SessionValidator>()?.MappingChanged(tenantId); // null: single sign-on is off
            return TypedResults.Ok(new GroupRolesView(await store.ListAsync(tenantId, ct), platform.Oidc is not null));
        }).WithSummary("Replace the tenant's sign-in mapping (each group maps to one role; a person gets the highest role their groups give)");
    }
}
