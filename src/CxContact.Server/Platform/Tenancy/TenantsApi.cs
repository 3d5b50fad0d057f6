using CxContact.Server.Platform.Hosting;
using CxContact.Core.Tenancy;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>/api/v1/tenants: system admins create and list tenants; a tenant's own keys may read it and its settings.</summary>
public static class TenantsApi
{
    public sealed record CreateTenantRequest(string? Name, string? DefaultCountry, string? DefaultTimeZone);
    public sealed record CreatedTenant(Tenant Tenant, TenantSettings Settings, NewApiKey AdminKey);
    public sealed record TenantView(Tenant Tenant, TenantSettings Settings);
    public sealed record SettingsRequest(string? DefaultCountry, string? DefaultTimeZone);

    public static void MapTenantsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/tenants").WithTags("Tenants");

        g.MapPost("/", async Task<Results<Created<CreatedTenant>, ValidationProblem, ProblemHttpResult>> (
            CreateTenantRequest body, HttpContext http, TenantStore store, IGrainFactory grains, PlatformClock clock, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var name = errors.Text("name", body.Name);
            var country = body.DefaultCountry ?? TenantSettings.Defaults.DefaultCountry;
            var zone = body.DefaultTimeZone ?? TenantSettings.Defaults.DefaultTimeZone;
            errors.Merge(TenantSettingsRules.Validate(country, zone));
            if (errors.Any) return errors.ToProblem();

            var caller = Caller.From(http.User);
            try
            {
                var (tenant, key, secret) = await store.CreateTenantAsync(name, caller.KeyId, ct);
                var settings = await grains.GetGrain<ITenantGrain>(tenant.Id)
                    .UpdateSettingsAsync(new TenantSettings(country, zone, clock.GetUtcNow()));
                return TypedResults.Created($"/api/v1/tenants/{tenant.Id}", new CreatedTenant(tenant, settings, NewApiKey.From(key, secret)));
            }
            catch (TenantNameTakenException e)
            {
                return TypedResults.Problem(statusCode: 409, title: "Tenant name taken", detail: e.Message,
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = [e.Message] } });
            }
        }).RequireAuthorization(Policies.SystemAdmin).WithSummary("Create a tenant and its first admin key (shown once)");

        g.MapGet("/", async (TenantStore store, CancellationToken ct) => TypedResults.Ok(await store.ListTenantsAsync(ct)))
            .RequireAuthorization(Policies.SystemAdmin).WithSummary("List tenants");

        g.MapGet("/{tenantId:guid}", async Task<Results<Ok<TenantView>, ProblemHttpResult>> (
            Guid tenantId, TenantStore store, IGrainFactory grains, CancellationToken ct) =>
        {
            var tenant = await store.GetTenantAsync(tenantId, ct);
            if (tenant is null || tenant.Id == Tenant.SystemId) return NotFound(tenantId);
            return TypedResults.Ok(new TenantView(tenant, await grains.GetGrain<ITenantGrain>(tenantId).GetSettingsAsync()));
        }).RequireAuthorization(Policies.TenantOrSystemReader).WithSummary("Get a tenant and its settings");

        g.MapPut("/{tenantId:guid}/settings", async Task<Results<Ok<TenantSettings>, ValidationProblem, ProblemHttpResult>> (
            Guid tenantId, SettingsRequest body, HttpContext http, TenantStore store, IGrainFactory grains, PlatformClock clock,
            Npgsql.NpgsqlDataSource db, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            errors.Merge(TenantSettingsRules.Validate(body.DefaultCountry, body.DefaultTimeZone));
            if (errors.Any) return errors.ToProblem();
            if (await store.GetTenantAsync(tenantId, ct) is null || tenantId == Tenant.SystemId) return NotFound(tenantId);
            var settings = await grains.GetGrain<ITenantGrain>(tenantId)
                .UpdateSettingsAsync(new TenantSettings(body.DefaultCountry!, body.DefaultTimeZone!, clock.GetUtcNow()));
            await using (var conn = await db.OpenConnectionAsync(ct))
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                await Audit.AuditTrail.WriteAsync(conn, tx, tenantId, Caller.From(http.User).KeyId, "tenant.settings-changed",
                    tenantId.ToString(), settings, ct);
                await tx.CommitAsync(ct);
            }
            return TypedResults.Ok(settings);
        }).RequireAuthorization(Policies.TenantAdmin).WithSummary("Replace the tenant's default country and time zone");
    }

    internal static ProblemHttpResult NotFound(Guid tenantId) =>
        TypedResults.Problem(statusCode: 404, title: "No such tenant", detail: $"There is no tenant {tenantId}.");
}
