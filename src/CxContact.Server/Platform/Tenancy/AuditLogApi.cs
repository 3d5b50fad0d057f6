using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>/api/v1/audit-log: the tenant's audit trail, newest first, paged by "before".</summary>
public static class AuditLogApi
{
    public const int MaxLimit = 1000;

    public static void MapAuditLogApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/audit-log", async Task<Results<Ok<IReadOnlyList<Audit.AuditEntry>>, ValidationProblem>> (
            HttpContext http, TenantStore store, CancellationToken ct, int? limit, DateTimeOffset? before) =>
        {
            if (limit is < 1 or > MaxLimit)
                return new FieldErrors().Add("limit", $"must be between 1 and {MaxLimit}").ToProblem();
            return TypedResults.Ok(await store.ReadAuditAsync(Caller.From(http.User).TenantId, limit ?? 100, before, ct));
        }).WithTags("Audit").RequireAuthorization(Policies.TenantAdmin).WithSummary("Read this tenant's audit trail");
    }
}
